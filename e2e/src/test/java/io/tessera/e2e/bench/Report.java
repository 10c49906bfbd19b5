package io.tessera.e2e.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The bench's figures: per runtime and workload, named numbers (or a word such as {@code
 * unimplemented}); printed as a table beside issue 8's goals and written as JSON. Not thread-safe.
 */
final class Report {
  /** A goal on the tessera/containerd ratio of one figure (lower is better). */
  record RatioGoal(String workload, String figure, double maxRatio, String text) {}

  /** Issue 8's goals. */
  static final List<RatioGoal> RATIO_GOALS =
      List.of(
          new RatioGoal("start_latency", "p50_ms", 1.0 / 3, "<= 1/3"),
          new RatioGoal("overhead_small", "per_pod_rss_mib", 0.1, "<= 1/10"),
          new RatioGoal("overhead_small", "per_pod_pss_mib", 0.1, "<= 1/10"),
          new RatioGoal("overhead_dense", "per_pod_rss_mib", 0.1, "<= 1/10"),
          new RatioGoal("overhead_dense", "per_pod_pss_mib", 0.1, "<= 1/10"),
          new RatioGoal("list_dense", "ListContainerStats_p50_ms", 0.25, "<= 1/4"));

  static final int DENSITY_GOAL = 1000;

  private final Map<String, Map<String, Map<String, Object>>> figures = new LinkedHashMap<>();
  private final Map<String, Object> machine = new LinkedHashMap<>();
  private final Map<String, Object> extra = new LinkedHashMap<>();

  void machine(String key, Object value) {
    machine.put(key, value);
  }

  /** Free-form sections of the JSON (settings, density steps). */
  void extra(String key, Object value) {
    extra.put(key, value);
  }

  void put(String runtime, String workload, String figure, Object value) {
    figures
        .computeIfAbsent(runtime, k -> new LinkedHashMap<>())
        .computeIfAbsent(workload, k -> new LinkedHashMap<>())
        .put(figure, value instanceof Double d ? round(d) : value);
  }

  Object get(String runtime, String workload, String figure) {
    return figures.getOrDefault(runtime, Map.of()).getOrDefault(workload, Map.of()).get(figure);
  }

  private static double round(double d) {
    return Math.round(d * 1000) / 1000.0;
  }

  private static Double ratio(Object t, Object c) {
    if (t instanceof Number a && c instanceof Number b && b.doubleValue() != 0) {
      return round(a.doubleValue() / b.doubleValue());
    }
    return null;
  }

  private List<Map<String, Object>> ratios() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String[] key : keys()) {
      Object t = get(BenchSettings.TESSERA, key[0], key[1]);
      Object c = get(BenchSettings.CONTAINERD, key[0], key[1]);
      Double r = ratio(t, c);
      if (r == null) {
        continue;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("workload", key[0]);
      m.put("figure", key[1]);
      m.put("tessera", t);
      m.put("containerd", c);
      m.put("ratio", r);
      goal(key[0], key[1])
          .ifPresent(
              g -> {
                m.put("goal", g.text());
                m.put("met", r <= g.maxRatio());
              });
      out.add(m);
    }
    return out;
  }

  private static java.util.Optional<RatioGoal> goal(String workload, String figure) {
    return RATIO_GOALS.stream()
        .filter(g -> g.workload().equals(workload) && g.figure().equals(figure))
        .findFirst();
  }

  /** Every (workload, figure) either runtime has, in first-seen order. */
  private List<String[]> keys() {
    Set<String> seen = new LinkedHashSet<>();
    List<String[]> out = new ArrayList<>();
    for (String rt : List.of(BenchSettings.TESSERA, BenchSettings.CONTAINERD)) {
      for (var w : figures.getOrDefault(rt, Map.of()).entrySet()) {
        for (String f : w.getValue().keySet()) {
          if (seen.add(w.getKey() + "\0" + f)) {
            out.add(new String[] {w.getKey(), f});
          }
        }
      }
    }
    return out;
  }

  void printTable(PrintStream out, String title) {
    out.println();
    out.println("== " + title);
    machine.forEach((k, v) -> out.printf(Locale.ROOT, "   %s: %s%n", k, v));
    String fmt = "%-16s %-30s %12s %12s %8s  %s%n";
    out.printf(Locale.ROOT, fmt, "workload", "figure", "tessera", "containerd", "ratio", "goal");
    String last = "";
    for (String[] key : keys()) {
      Object t = get(BenchSettings.TESSERA, key[0], key[1]);
      Object c = get(BenchSettings.CONTAINERD, key[0], key[1]);
      Double r = ratio(t, c);
      String goalText = "";
      var g = goal(key[0], key[1]);
      if (g.isPresent() && r != null) {
        goalText = g.get().text() + (r <= g.get().maxRatio() ? "  met" : "  MISSED");
      }
      if (key[0].equals("density") && key[1].equals("pods_reached") && t instanceof Number n) {
        goalText = ">= " + DENSITY_GOAL + (n.intValue() >= DENSITY_GOAL ? "  met" : "  MISSED");
      }
      out.printf(
          Locale.ROOT,
          fmt,
          key[0].equals(last) ? "" : key[0],
          key[1],
          show(t),
          show(c),
          r == null ? "" : String.format(Locale.ROOT, "%.3f", r),
          goalText);
      last = key[0];
    }
    out.println();
  }

  private static String show(Object v) {
    if (v == null) {
      return "-";
    }
    if (v instanceof Double d) {
      return String.format(Locale.ROOT, d >= 100 ? "%.1f" : "%.3f", d);
    }
    return v.toString();
  }

  /** Writes the JSON file (temp name, then rename). */
  void writeJson(Path file) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("machine", machine);
    root.putAll(extra);
    List<Map<String, Object>> results = new ArrayList<>();
    figures.forEach(
        (rt, ws) ->
            ws.forEach(
                (w, fs) -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("runtime", rt);
                  m.put("workload", w);
                  m.put("figures", fs);
                  results.add(m);
                }));
    root.put("results", results);
    root.put("ratios_tessera_over_containerd", ratios());
    Object reached = get(BenchSettings.TESSERA, "density", "pods_reached");
    if (reached instanceof Number n) {
      root.put(
          "density_goal",
          Map.of("goal", DENSITY_GOAL, "reached", n, "met", n.intValue() >= DENSITY_GOAL));
    }
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), root);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("write " + file, e);
    }
  }
}
