package io.tessera.kernel.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.UnavailableException;
import io.tessera.kernel.jna.LibcSys;
import io.tessera.kernel.jna.SyscallException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts conmon, the per-container monitor, and waits for the container pid it reports.
 *
 * <p>conmon forks: its parent writes the conmon pid file and exits, the child calls setsid(2) (so
 * it is in its own session and process group, untouched by signals to the daemon's group), becomes
 * subreaper, runs {@code <runtime> create}, and reports {@code {"data": <pid>}} or {@code {"data":
 * -1, "message": "<runtime stderr>"}} on the fd named by {@code _OCI_SYNCPIPE}. It outlives the
 * JVM.
 *
 * <p>The JDK's process API cannot hand a child an extra fd (it closes every fd above 2), so the
 * sync pipe is a named fifo: {@code /bin/sh} opens it as fd 3 and execs conmon with {@code
 * _OCI_SYNCPIPE=3}. The daemon holds the fifo open read-write while conmon's parent starts (a fifo
 * open for writing blocks until there is a reader, and a read-write open never blocks on Linux,
 * fifo(7)), then opens a read-only end and drops the read-write one: from then on end of file means
 * every conmon process closed it, so a conmon that dies early cannot hang the caller.
 * _OCI_STARTPIPE (a pause before conmon forks, for moving it into a cgroup first) is not used.
 *
 * <p>Thread-safe; each start uses its own fifo.
 */
public final class ConmonMonitor {
  private static final Logger LOG = LoggerFactory.getLogger(ConmonMonitor.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** How long conmon's first process may take to fork and exit. */
  private static final Duration PARENT_TIMEOUT = Duration.ofSeconds(30);

  private static final String SH = "/bin/sh";
  private static final String FIFO_ENV = "_TESSERA_SYNC_FIFO";

  private final Path conmon;

  public ConmonMonitor(Path conmon) {
    this.conmon = conmon;
  }

  public Path binary() {
    return conmon;
  }

  /** The full command line conmon is started with (without the shell that opens the fifo). */
  public List<String> commandLine(ConmonRequest request) {
    List<String> argv = new ArrayList<>();
    argv.add(conmon.toString());
    argv.addAll(request.arguments());
    return argv;
  }

  /**
   * Starts conmon for {@code request} and waits until it reports the container pid, i.e. until
   * {@code <runtime> create} finished.
   *
   * @param timeout how long the runtime's create may take
   * @throws InternalException conmon failed to start, or the runtime failed (the message has the
   *     conmon command line and the runtime's error); a conmon that did not answer in time is
   *     killed
   * @throws UnavailableException no answer within {@code timeout}
   */
  public ConmonProcess start(ConmonRequest request, Duration timeout) {
    List<String> cmd = commandLine(request);
    String cmdLine = String.join(" ", cmd);
    String what = "start conmon for " + request.containerId();
    Path fifo = request.bundle().resolve(".conmon-sync-" + UUID.randomUUID());
    Path output = null;
    try {
      Files.deleteIfExists(request.conmonPidFile());
      output = Files.createTempFile("tessera-conmon-", ".out");
      LibcSys.mkfifo(fifo.toString(), 0600);
      long containerPid;
      try (FileChannel keeper =
          FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        java.lang.Process parent = launch(request, cmd, fifo, output);
        if (!parent.waitFor(PARENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          parent.destroyForcibly();
          throw new UnavailableException(what + ": `" + cmdLine + "` did not fork in time");
        }
        if (parent.exitValue() != 0) {
          throw new InternalException(
              what
                  + ": `"
                  + cmdLine
                  + "` exited "
                  + parent.exitValue()
                  + ": "
                  + Files.readString(output).strip());
        }
        FileChannel reader = FileChannel.open(fifo, StandardOpenOption.READ);
        keeper.close();
        containerPid = readSyncMessage(reader, timeout, request, cmdLine);
      }
      long conmonPid = readPid(request.conmonPidFile(), what);
      LOG.debug(
          "conmon {} runs container {} (pid {})", conmonPid, request.containerId(), containerPid);
      return new ConmonProcess(conmonPid, containerPid);
    } catch (IOException | SyscallException e) {
      throw new InternalException(what + ": `" + cmdLine + "`", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InternalException(what + ": interrupted", e);
    } finally {
      deleteQuietly(fifo);
      deleteQuietly(output);
    }
  }

  private static java.lang.Process launch(
      ConmonRequest request, List<String> cmd, Path fifo, Path output) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add(SH);
    argv.add("-c");
    // "$@" is conmon's argv, passed as separate words: no quoting of paths involved.
    argv.add("exec \"$@\" 3>\"$" + FIFO_ENV + "\"");
    argv.add("conmon");
    argv.addAll(cmd);
    ProcessBuilder pb = new ProcessBuilder(argv);
    // conmon writes its "oom" marker file into its working directory.
    pb.directory(request.bundle().toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.redirectOutput(output.toFile());
    pb.redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    Map<String, String> keep = new LinkedHashMap<>();
    keep.put(
        "PATH",
        env.getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    if (env.containsKey("XDG_RUNTIME_DIR")) {
      keep.put("XDG_RUNTIME_DIR", env.get("XDG_RUNTIME_DIR"));
    }
    // Nothing else of the daemon's environment (NOTIFY_SOCKET, LISTEN_FDS) reaches conmon/runc.
    env.clear();
    env.putAll(keep);
    env.put("_OCI_SYNCPIPE", "3");
    env.put(FIFO_ENV, fifo.toString());
    return pb.start();
  }

  private long readSyncMessage(
      FileChannel reader, Duration timeout, ConmonRequest request, String cmdLine)
      throws InterruptedException {
    String what = "create container " + request.containerId();
    CompletableFuture<String> line = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try (reader) {
                line.complete(readLine(reader));
              } catch (ClosedByInterruptException e) {
                line.completeExceptionally(new TimeoutException());
              } catch (IOException | RuntimeException e) {
                line.completeExceptionally(e);
              }
            },
            "conmon-sync-" + request.containerId());
    thread.setDaemon(true);
    thread.start();
    String message;
    try {
      message = line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // Interrupting a thread blocked in FileChannel.read closes the channel and wakes it.
      thread.interrupt();
      killConmon(request);
      throw new UnavailableException(
          what + ": no answer from conmon within " + timeout.toSeconds() + " s: `" + cmdLine + "`");
    } catch (ExecutionException e) {
      throw new InternalException(what + ": read conmon sync pipe", e.getCause());
    }
    if (message.isEmpty()) {
      throw new InternalException(
          what + ": conmon exited without reporting a pid: `" + cmdLine + "`");
    }
    JsonNode json;
    try {
      json = MAPPER.readTree(message);
    } catch (IOException e) {
      throw new InternalException(what + ": unreadable conmon message '" + message + "'", e);
    }
    long pid = json.path("data").asLong(-1);
    if (pid <= 0) {
      throw new InternalException(
          what
              + ": `"
              + cmdLine
              + "` failed: "
              + json.path("message").asText("(no message)").strip());
    }
    return pid;
  }

  /** One JSON line; empty at end of file (every writer gone without a word). */
  private static String readLine(FileChannel ch) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(1);
    while (ch.read(buf) > 0) {
      byte b = buf.get(0);
      buf.clear();
      if (b == '\n') {
        break;
      }
      out.write(b);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void killConmon(ConmonRequest request) {
    try {
      long pid = readPid(request.conmonPidFile(), "kill conmon");
      // The runtime's create child has PDEATHSIG=SIGKILL set by conmon, so it goes too.
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    } catch (RuntimeException e) {
      LOG.warn("could not kill conmon of {}: {}", request.containerId(), e.toString());
    }
  }

  static long readPid(Path pidFile, String what) {
    try {
      return Long.parseLong(Files.readString(pidFile).trim());
    } catch (IOException | NumberFormatException e) {
      throw new InternalException(what + ": read pid file " + pidFile, e);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.debug("could not delete {}: {}", file, e.toString());
    }
  }
}
