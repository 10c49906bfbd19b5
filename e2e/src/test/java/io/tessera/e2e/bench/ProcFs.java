package io.tessera.e2e.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads processes and their memory from /proc: pid, parent, comm and argv of every process, and RSS
 * and PSS from {@code /proc/PID/smaps_rollup}. A process that exits while it is read is left out.
 * The parsers are pure functions of the file text.
 */
final class ProcFs {
  private static final Path PROC = Path.of("/proc");

  private ProcFs() {}

  /** One process as /proc shows it. */
  record ProcessInfo(long pid, long ppid, String comm, List<String> argv) {
    String commandLine() {
      return String.join(" ", argv);
    }
  }

  /** Resident and proportional set size in bytes. */
  record Memory(long rss, long pss) {
    static final Memory ZERO = new Memory(0, 0);

    Memory plus(Memory o) {
      return new Memory(rss + o.rss, pss + o.pss);
    }
  }

  /** Every process readable now. */
  static List<ProcessInfo> processes() {
    List<ProcessInfo> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(PROC, "[0-9]*")) {
      for (Path dir : ds) {
        read(dir).ifPresent(out::add);
      }
    } catch (IOException e) {
      throw new IllegalStateException("list " + PROC, e);
    }
    return out;
  }

  private static Optional<ProcessInfo> read(Path dir) {
    try {
      long pid = Long.parseLong(dir.getFileName().toString());
      String stat = Files.readString(dir.resolve("stat"));
      byte[] cmdline = Files.readAllBytes(dir.resolve("cmdline"));
      return Optional.of(fromStat(pid, stat, parseCmdline(cmdline)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // gone while we looked
    }
  }

  /** Memory of one process, or empty when it is gone. */
  static Optional<Memory> memory(long pid) {
    try {
      return Optional.of(
          parseSmapsRollup(
              Files.readString(PROC.resolve(Long.toString(pid)).resolve("smaps_rollup"))));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** MemAvailable from /proc/meminfo, bytes. */
  static long memAvailable() {
    return meminfo("MemAvailable:");
  }

  /** MemTotal from /proc/meminfo, bytes. */
  static long memTotal() {
    return meminfo("MemTotal:");
  }

  private static long meminfo(String key) {
    try {
      return parseKbLine(Files.readString(PROC.resolve("meminfo")), key);
    } catch (IOException e) {
      throw new IllegalStateException("read /proc/meminfo", e);
    }
  }

  /**
   * {@code /proc/PID/stat}: comm sits in parentheses and may itself hold spaces and ')', so the
   * fields after it are found from the last ')'.
   */
  static ProcessInfo fromStat(long pid, String stat, List<String> argv) {
    int open = stat.indexOf('(');
    int close = stat.lastIndexOf(')');
    if (open < 0 || close < open) {
      throw new IllegalArgumentException("not a stat line: " + stat);
    }
    String comm = stat.substring(open + 1, close);
    String[] rest = stat.substring(close + 2).split(" ");
    // rest[0] is the state, rest[1] the parent pid.
    return new ProcessInfo(pid, Long.parseLong(rest[1]), comm, argv);
  }

  /** NUL-separated argv; empty for kernel threads and zombies. */
  static List<String> parseCmdline(byte[] cmdline) {
    String s = new String(cmdline, StandardCharsets.UTF_8);
    if (s.isEmpty()) {
      return List.of();
    }
    if (s.endsWith("\0")) {
      s = s.substring(0, s.length() - 1);
    }
    return Arrays.asList(s.split("\0", -1));
  }

  /** Rss and Pss lines of smaps_rollup (kB) as bytes. */
  static Memory parseSmapsRollup(String text) {
    return new Memory(parseKbLine(text, "Rss:"), parseKbLine(text, "Pss:"));
  }

  static long parseKbLine(String text, String key) {
    for (String line : text.split("\n")) {
      if (line.startsWith(key)) {
        String[] f = line.substring(key.length()).trim().split("\\s+");
        return Long.parseLong(f[0]) * 1024;
      }
    }
    throw new IllegalArgumentException("no " + key + " line in:\n" + text);
  }
}
