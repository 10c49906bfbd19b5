package io.tessera.kernel.oci.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OCI runtime-spec {@code config.json} (runtime-spec v1.0.2, Linux parts).
 *
 * <p>A mutable document built with fluent setters, {@code new Spec().hostname("web")
 * .process(...)}, usually starting from {@link OciSpecs#defaultLinuxSpec()}. Collection getters
 * return the live collections, so {@code spec.mounts().add(...)} works; setters copy. Not
 * thread-safe. Serialized by {@link SpecJson} with null and empty values left out.
 */
@OciJson
public final class Spec {
  private String ociVersion = OciSpecs.OCI_VERSION;
  private Process process;
  private Root root;
  private String hostname;
  private String domainname;
  private List<Mount> mounts = new ArrayList<>();
  private JsonNode hooks;
  private Map<String, String> annotations = new LinkedHashMap<>();
  private Linux linux;

  public String ociVersion() {
    return ociVersion;
  }

  public Spec ociVersion(String ociVersion) {
    this.ociVersion = ociVersion;
    return this;
  }

  public Process process() {
    return process;
  }

  public Spec process(Process process) {
    this.process = process;
    return this;
  }

  public Root root() {
    return root;
  }

  public Spec root(Root root) {
    this.root = root;
    return this;
  }

  public String hostname() {
    return hostname;
  }

  public Spec hostname(String hostname) {
    this.hostname = hostname;
    return this;
  }

  public String domainname() {
    return domainname;
  }

  public Spec domainname(String domainname) {
    this.domainname = domainname;
    return this;
  }

  public List<Mount> mounts() {
    return mounts;
  }

  public Spec mounts(List<Mount> mounts) {
    this.mounts = new ArrayList<>(mounts);
    return this;
  }

  public Spec addMount(Mount mount) {
    mounts.add(mount);
    return this;
  }

  /** Hooks kept as raw JSON: Tessera runs none itself, but passes through what it is given. */
  public JsonNode hooks() {
    return hooks;
  }

  public Spec hooks(JsonNode hooks) {
    this.hooks = hooks;
    return this;
  }

  public Map<String, String> annotations() {
    return annotations;
  }

  public Spec annotations(Map<String, String> annotations) {
    this.annotations = new LinkedHashMap<>(annotations);
    return this;
  }

  public Spec annotation(String key, String value) {
    annotations.put(key, value);
    return this;
  }

  public Linux linux() {
    return linux;
  }

  public Spec linux(Linux linux) {
    this.linux = linux;
    return this;
  }
}
