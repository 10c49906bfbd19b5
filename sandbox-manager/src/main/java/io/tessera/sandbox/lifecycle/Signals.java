package io.tessera.sandbox.lifecycle;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.Locale;
import java.util.Map;

/** Linux signal names (as CRI and image configs spell them) to numbers, x86_64/arm64 values. */
final class Signals {
  static final int SIGKILL = 9;
  static final int SIGTERM = 15;

  private static final Map<String, Integer> NUMBERS =
      Map.ofEntries(
          Map.entry("SIGHUP", 1),
          Map.entry("SIGINT", 2),
          Map.entry("SIGQUIT", 3),
          Map.entry("SIGILL", 4),
          Map.entry("SIGTRAP", 5),
          Map.entry("SIGABRT", 6),
          Map.entry("SIGBUS", 7),
          Map.entry("SIGFPE", 8),
          Map.entry("SIGKILL", 9),
          Map.entry("SIGUSR1", 10),
          Map.entry("SIGSEGV", 11),
          Map.entry("SIGUSR2", 12),
          Map.entry("SIGPIPE", 13),
          Map.entry("SIGALRM", 14),
          Map.entry("SIGTERM", 15),
          Map.entry("SIGSTKFLT", 16),
          Map.entry("SIGCHLD", 17),
          Map.entry("SIGCONT", 18),
          Map.entry("SIGSTOP", 19),
          Map.entry("SIGTSTP", 20),
          Map.entry("SIGTTIN", 21),
          Map.entry("SIGTTOU", 22),
          Map.entry("SIGURG", 23),
          Map.entry("SIGXCPU", 24),
          Map.entry("SIGXFSZ", 25),
          Map.entry("SIGVTALRM", 26),
          Map.entry("SIGPROF", 27),
          Map.entry("SIGWINCH", 28),
          Map.entry("SIGIO", 29),
          Map.entry("SIGPWR", 30),
          Map.entry("SIGSYS", 31));

  private Signals() {}

  /** {@code SIGTERM}, {@code TERM}, {@code 15}, {@code SIGRTMIN+3} all work. */
  static int number(String name) {
    String n = name.trim().toUpperCase(Locale.ROOT);
    if (n.matches("\\d+")) {
      int v = Integer.parseInt(n);
      if (v >= 1 && v <= 64) {
        return v;
      }
    }
    if (!n.startsWith("SIG")) {
      n = "SIG" + n;
    }
    Integer v = NUMBERS.get(n);
    if (v != null) {
      return v;
    }
    if (n.startsWith("SIGRTMIN")) {
      int off = n.length() > 8 ? Integer.parseInt(n.substring(8).replace("+", "")) : 0;
      return 34 + off;
    }
    throw new InvalidArgumentException("unknown signal \"" + name + "\"");
  }
}
