package io.tessera.kernel.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One line of {@code /proc/<pid>/cgroup} (cgroups(7)): {@code hierarchy-ID:controller-list:path}.
 * The v2 hierarchy has ID 0 and an empty controller list; a named v1 hierarchy lists {@code
 * name=systemd}.
 */
public record CgroupMembership(int hierarchyId, List<String> controllers, String path) {

  public CgroupMembership {
    controllers = List.copyOf(controllers);
  }

  /** Parses the file's text; pure. */
  public static List<CgroupMembership> parse(String text) {
    List<CgroupMembership> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      int first = line.indexOf(':');
      int second = first < 0 ? -1 : line.indexOf(':', first + 1);
      if (second < 0) {
        throw new IllegalArgumentException("malformed /proc/<pid>/cgroup line: " + line);
      }
      int id;
      try {
        id = Integer.parseInt(line.substring(0, first));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("malformed /proc/<pid>/cgroup line: " + line, e);
      }
      String list = line.substring(first + 1, second);
      // The path is the rest of the line: it may itself contain ':'.
      String path = line.substring(second + 1);
      out.add(
          new CgroupMembership(id, list.isEmpty() ? List.of() : List.of(list.split(",")), path));
    }
    return out;
  }

  /** The cgroups of a process, read now. */
  public static List<CgroupMembership> ofProcess(long pid) {
    Path file = Path.of("/proc", Long.toString(pid), "cgroup");
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("read " + file, e);
    }
  }

  /** The path in the v1 hierarchy carrying {@code controller}. */
  public static Optional<String> pathOf(List<CgroupMembership> memberships, String controller) {
    return memberships.stream()
        .filter(m -> m.controllers().contains(controller))
        .map(CgroupMembership::path)
        .findFirst();
  }

  /** The path in the v2 hierarchy (the {@code 0::} line). */
  public static Optional<String> unifiedPath(List<CgroupMembership> memberships) {
    return memberships.stream()
        .filter(m -> m.hierarchyId() == 0 && m.controllers().isEmpty())
        .map(CgroupMembership::path)
        .findFirst();
  }
}
