package io.tessera.kernel.oci.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * The runtime-spec {@code process}: what the container (or an exec) runs and with which identity
 * and privileges. Also serialized alone as the {@code --process} file of {@code runc exec}.
 * Mutable, fluent, not thread-safe.
 */
@OciJson
public final class Process {
  private boolean terminal;
  private User user = new User();
  private List<String> args = new ArrayList<>();
  private List<String> env = new ArrayList<>();
  private String cwd = "/";
  private Capabilities capabilities;
  private List<Rlimit> rlimits = new ArrayList<>();
  private boolean noNewPrivileges;
  private String apparmorProfile;
  private Integer oomScoreAdj;
  private String selinuxLabel;

  public boolean terminal() {
    return terminal;
  }

  public Process terminal(boolean terminal) {
    this.terminal = terminal;
    return this;
  }

  public User user() {
    return user;
  }

  public Process user(User user) {
    this.user = user;
    return this;
  }

  public List<String> args() {
    return args;
  }

  public Process args(List<String> args) {
    this.args = new ArrayList<>(args);
    return this;
  }

  public Process args(String... args) {
    return args(List.of(args));
  }

  public List<String> env() {
    return env;
  }

  public Process env(List<String> env) {
    this.env = new ArrayList<>(env);
    return this;
  }

  /** Sets {@code NAME=value}, replacing an earlier value of the same name. */
  public Process env(String name, String value) {
    env.removeIf(e -> e.startsWith(name + "="));
    env.add(name + "=" + value);
    return this;
  }

  public String cwd() {
    return cwd;
  }

  public Process cwd(String cwd) {
    this.cwd = cwd;
    return this;
  }

  public Capabilities capabilities() {
    return capabilities;
  }

  public Process capabilities(Capabilities capabilities) {
    this.capabilities = capabilities;
    return this;
  }

  public List<Rlimit> rlimits() {
    return rlimits;
  }

  public Process rlimits(List<Rlimit> rlimits) {
    this.rlimits = new ArrayList<>(rlimits);
    return this;
  }

  public boolean noNewPrivileges() {
    return noNewPrivileges;
  }

  public Process noNewPrivileges(boolean noNewPrivileges) {
    this.noNewPrivileges = noNewPrivileges;
    return this;
  }

  public String apparmorProfile() {
    return apparmorProfile;
  }

  public Process apparmorProfile(String apparmorProfile) {
    this.apparmorProfile = apparmorProfile;
    return this;
  }

  /**
   * The container's oom_score_adj, or null to inherit. Clamp with {@code
   * io.tessera.kernel.proc.OomScoreAdj.restrict} first: a value below the daemon's own is refused
   * by the kernel on hosts without CAP_SYS_RESOURCE, failing the create.
   */
  public Integer oomScoreAdj() {
    return oomScoreAdj;
  }

  public Process oomScoreAdj(Integer oomScoreAdj) {
    this.oomScoreAdj = oomScoreAdj;
    return this;
  }

  public String selinuxLabel() {
    return selinuxLabel;
  }

  public Process selinuxLabel(String selinuxLabel) {
    this.selinuxLabel = selinuxLabel;
    return this;
  }
}
