package io.tessera.kernel.oci;

import io.tessera.kernel.cgroup.CgroupManager;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.ns.NsType;
import io.tessera.kernel.oci.spec.OciSpecs;
import io.tessera.kernel.oci.spec.Spec;
import io.tessera.kernel.oci.spec.SpecJson;
import io.tessera.kernel.proc.CommandResult;
import io.tessera.kernel.proc.HostCommand;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out at start-up which OCI runtimes work on this host and which is the default handler.
 *
 * <p>Each candidate runs a real, trivial container ({@code catatonit --version}, a static binary
 * copied into a throwaway rootfs) with the default spec, in its own state directory. That is the
 * only reliable test: crun 1.8 is installed and answers {@code --version} on hybrid-cgroup hosts
 * but refuses every container there ("cgroups in hybrid mode not supported, drop all controllers
 * from cgroupv2"), and a cheaper check would have to know every such rule. A trial costs a few
 * hundred milliseconds. crun is preferred (faster to start containers), runc is the fallback.
 */
public final class RuntimeProbe {
  private static final Logger LOG = LoggerFactory.getLogger(RuntimeProbe.class);

  /** Candidates in order of preference. */
  public static final List<String> CANDIDATES = List.of("crun", "runc");

  private static final Duration TRIAL_TIMEOUT = Duration.ofSeconds(30);

  private final OciRuntimeLocator locator;
  private final Path workDir;
  private final Path probeBinary;
  private final CgroupManager cgroups;

  /**
   * @param workDir where throwaway bundles and state directories are made (and removed)
   * @param probeBinary a static executable that exits 0 when run with {@code --version}
   * @param cgroups removes the trial's cgroup afterwards, whatever the runtime left
   */
  public RuntimeProbe(
      OciRuntimeLocator locator, Path workDir, Path probeBinary, CgroupManager cgroups) {
    this.locator = locator;
    this.workDir = workDir;
    this.probeBinary = probeBinary;
    this.cgroups = cgroups;
  }

  /** A probe using catatonit (installed for pod infra processes) as the trial program. */
  public static RuntimeProbe forHost(
      OciRuntimeLocator locator, Path workDir, CgroupManager cgroups) {
    Path catatonit =
        locator
            .find("catatonit")
            .orElseThrow(
                () ->
                    new FailedPreconditionException(
                        "probe OCI runtimes: catatonit not found in " + locator.dirs()));
    return new RuntimeProbe(locator, workDir, catatonit, cgroups);
  }

  /** Whether one handler works. */
  public record HandlerProbe(String name, Optional<Path> binary, boolean works, String detail) {}

  /**
   * The outcome: the default handler (empty if none works), why it was chosen, and every
   * candidate's result.
   */
  public record ProbeReport(
      Optional<String> defaultHandler, String reason, List<HandlerProbe> handlers) {

    public Optional<HandlerProbe> handler(String name) {
      return handlers.stream().filter(h -> h.name().equals(name)).findFirst();
    }
  }

  public ProbeReport probe() {
    Map<String, Optional<Path>> candidates = new LinkedHashMap<>();
    for (String name : CANDIDATES) {
      candidates.put(name, locator.find(name));
    }
    return probe(candidates, Optional.empty());
  }

  /**
   * Trials configured handlers (name to binary, in order of preference; an empty binary means "not
   * installed"). The default is {@code preferred} when given and it works, else the first that
   * works.
   */
  public ProbeReport probe(Map<String, Optional<Path>> handlers, Optional<String> preferred) {
    List<HandlerProbe> results = new ArrayList<>();
    for (Map.Entry<String, Optional<Path>> e : handlers.entrySet()) {
      if (e.getValue().isEmpty() || !Files.isExecutable(e.getValue().get())) {
        results.add(new HandlerProbe(e.getKey(), e.getValue(), false, "not installed"));
        continue;
      }
      results.add(trial(e.getKey(), e.getValue().get()));
    }
    Optional<HandlerProbe> chosen =
        results.stream()
            .filter(HandlerProbe::works)
            .filter(h -> preferred.isEmpty() || h.name().equals(preferred.get()))
            .findFirst();
    StringBuilder reason = new StringBuilder();
    for (HandlerProbe h : results) {
      if (chosen.isPresent() && h == chosen.get()) {
        break;
      }
      reason.append(h.name()).append(": ").append(h.detail()).append("; ");
    }
    String text =
        chosen
            .map(h -> reason.length() == 0 ? h.name() + " works" : reason + "using " + h.name())
            .orElse(reason + "no OCI runtime works on this host");
    LOG.info("OCI runtime probe: {}", text);
    return new ProbeReport(chosen.map(HandlerProbe::name), text, results);
  }

  private HandlerProbe trial(String name, Path binary) {
    String id = "tessera-probe-" + UUID.randomUUID().toString().substring(0, 8);
    String cgroupPath = "/" + id;
    Path dir = null;
    try {
      Files.createDirectories(workDir);
      dir = Files.createTempDirectory(workDir, "probe-" + name + "-");
      Path bundle = dir.resolve("bundle");
      Path rootfs = bundle.resolve("rootfs");
      Files.createDirectories(rootfs);
      Files.copy(probeBinary, rootfs.resolve("probe"), StandardCopyOption.COPY_ATTRIBUTES);
      Spec spec = OciSpecs.defaultLinuxSpec();
      spec.process().args("/probe", "--version");
      // The trial needs no network; a network namespace is the slowest to create and tear down.
      spec.linux().withoutNamespace(NsType.NET).cgroupsPath(cgroupPath);
      SpecJson.write(spec, bundle.resolve("config.json"));
      Path state = dir.resolve("state");
      List<String> base = List.of(binary.toString(), "--root=" + state);
      List<String> run = new ArrayList<>(base);
      run.addAll(List.of("run", "--bundle", bundle.toString(), id));
      CommandResult r = HostCommand.of(run).timeout(TRIAL_TIMEOUT).run();
      List<String> delete = new ArrayList<>(base);
      delete.addAll(List.of("delete", "--force", id));
      HostCommand.of(delete).timeout(TRIAL_TIMEOUT).run();
      if (r.ok()) {
        return new HandlerProbe(name, Optional.of(binary), true, "ran a container");
      }
      return new HandlerProbe(name, Optional.of(binary), false, r.describe());
    } catch (IOException | RuntimeException e) {
      return new HandlerProbe(name, Optional.of(binary), false, "trial failed: " + e);
    } finally {
      try {
        cgroups.delete(cgroupPath);
      } catch (RuntimeException e) {
        LOG.warn("probe of {} left cgroup {}: {}", name, cgroupPath, e.toString());
      }
      if (dir != null) {
        deleteTree(dir);
      }
    }
  }

  private static void deleteTree(Path dir) {
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new InternalException("remove probe directory " + dir, e);
    }
  }
}
