package io.tessera.kernel.net;

import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.jna.LibcNamespaces;
import io.tessera.kernel.jna.LibcSys;
import io.tessera.kernel.jna.SyscallException;
import io.tessera.kernel.proc.DedicatedThread;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link NetDevReader} on setns(2): one throwaway thread joins each namespace in turn and reads
 * {@code /proc/thread-self/net/dev}, which shows the network namespace of the reading thread
 * (/proc/self/net would show the thread group leader's). One thread per call rather than one per
 * namespace keeps a sampling round over hundreds of pods cheap; the thread only ever reads these
 * files and ends with the call.
 */
public final class NetDevReaderJna implements NetDevReader {
  private static final Logger LOG = LoggerFactory.getLogger(NetDevReaderJna.class);
  private static final Path THREAD_NET_DEV = Path.of("/proc/thread-self/net/dev");

  @Override
  public Map<Path, List<InterfaceCounters>> read(Collection<Path> netnsFiles) {
    Map<Path, List<InterfaceCounters>> out = new HashMap<>();
    if (netnsFiles.isEmpty()) {
      return out;
    }
    List<Path> files = List.copyOf(new LinkedHashSet<>(netnsFiles));
    try {
      DedicatedThread.call(
          "netns-stats",
          () -> {
            for (Path f : files) {
              try {
                join(f);
                out.put(f, NetDev.parse(Files.readString(THREAD_NET_DEV)));
              } catch (TesseraException | IOException e) {
                // A pod stopped between listing and reading; the others are still wanted.
                LOG.debug("network namespace {}: reading counters failed: {}", f, e.getMessage());
              }
            }
            return null;
          });
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new InternalException("read interface counters of " + files.size() + " netns", e);
    }
    return out;
  }

  private static void join(Path nsFile) {
    try {
      int fd = LibcSys.open(nsFile.toString(), LibcSys.O_RDONLY | LibcSys.O_CLOEXEC);
      try {
        LibcNamespaces.setns(fd, LibcNamespaces.CLONE_NEWNET);
      } finally {
        LibcSys.closeQuietly(fd);
      }
    } catch (SyscallException e) {
      throw new InternalException("join network namespace " + nsFile, e);
    }
  }
}
