package io.tessera.sandbox.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * Parsers for an image's /etc/passwd and /etc/group (passwd(5), group(5)). Pure functions; lines
 * that are blank, comments or malformed (too few fields, ids not numbers) are skipped, as libc's
 * getpwent does, so a hand-edited file in an image never fails a container.
 *
 * <p>Hand-written: the JDK has no reader for another root's user database, and these are
 * colon-separated lines.
 */
final class EtcFiles {
  /** One passwd line. */
  record PasswdEntry(String name, long uid, long gid, String home) {}

  /** One group line. */
  record GroupEntry(String name, long gid, List<String> members) {
    GroupEntry {
      members = List.copyOf(members);
    }
  }

  private EtcFiles() {}

  static List<PasswdEntry> parsePasswd(String content) {
    List<PasswdEntry> out = new ArrayList<>();
    for (String line : content.split("\n", -1)) {
      String[] f = fields(line);
      if (f == null || f.length < 4) {
        continue;
      }
      Long uid = id(f[2]);
      Long gid = id(f[3]);
      if (uid == null || gid == null) {
        continue;
      }
      out.add(new PasswdEntry(f[0], uid, gid, f.length > 5 ? f[5] : ""));
    }
    return out;
  }

  static List<GroupEntry> parseGroup(String content) {
    List<GroupEntry> out = new ArrayList<>();
    for (String line : content.split("\n", -1)) {
      String[] f = fields(line);
      if (f == null || f.length < 3) {
        continue;
      }
      Long gid = id(f[2]);
      if (gid == null) {
        continue;
      }
      List<String> members = new ArrayList<>();
      if (f.length > 3) {
        for (String m : f[3].split(",")) {
          if (!m.isBlank()) {
            members.add(m.trim());
          }
        }
      }
      out.add(new GroupEntry(f[0], gid, members));
    }
    return out;
  }

  private static String[] fields(String line) {
    String l = line.strip();
    if (l.isEmpty() || l.startsWith("#")) {
      return null;
    }
    String[] f = l.split(":", -1);
    return f[0].isEmpty() ? null : f;
  }

  /** A uint32 id, or null when the field is not one. */
  static Long id(String s) {
    if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(Character::isDigit)) {
      return null;
    }
    long v = Long.parseLong(s);
    return v > 0xFFFF_FFFFL ? null : v;
  }
}
