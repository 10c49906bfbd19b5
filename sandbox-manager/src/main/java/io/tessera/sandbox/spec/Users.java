package io.tessera.sandbox.spec;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.oci.spec.User;
import io.tessera.sandbox.model.LinuxContainerSecurityContext;
import io.tessera.sandbox.model.SupplementalGroupsPolicy;
import io.tessera.sandbox.spec.EtcFiles.GroupEntry;
import io.tessera.sandbox.spec.EtcFiles.PasswdEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Resolves a container's process identity as the kubelet and containerd do: run_as_user /
 * run_as_username first, else the image's USER ("name", "uid", "name:group", "uid:gid"), names
 * looked up in the image's own /etc/passwd and /etc/group. Pure given the two files' contents.
 */
final class Users {
  private Users() {}

  /**
   * @param passwd the image's /etc/passwd content ("" when it has none)
   * @param group the image's /etc/group content ("" when it has none)
   * @param sandboxGroups the pod's supplemental groups
   */
  static User resolve(
      LinuxContainerSecurityContext sc,
      String imageUser,
      List<Long> sandboxGroups,
      String passwd,
      String group) {
    List<PasswdEntry> users = EtcFiles.parsePasswd(passwd);
    List<GroupEntry> groups = EtcFiles.parseGroup(group);
    long uid;
    long gid;
    Optional<PasswdEntry> entry;
    if (sc.runAsUser().isPresent()) {
      uid = sc.runAsUser().getAsLong();
      entry = byUid(users, uid);
      gid = sc.runAsGroup().orElse(entry.map(PasswdEntry::gid).orElse(0L));
    } else if (sc.runAsUsername().isPresent()) {
      String name = sc.runAsUsername().get();
      PasswdEntry e = byName(users, name, "run_as_username");
      entry = Optional.of(e);
      uid = e.uid();
      gid = sc.runAsGroup().orElse(e.gid());
    } else {
      String spec = imageUser.strip();
      int colon = spec.indexOf(':');
      String userPart = colon < 0 ? spec : spec.substring(0, colon);
      String groupPart = colon < 0 ? "" : spec.substring(colon + 1);
      if (userPart.isEmpty()) {
        uid = 0;
        entry = byUid(users, 0);
      } else {
        Long numeric = EtcFiles.id(userPart);
        if (numeric != null) {
          uid = numeric;
          entry = byUid(users, uid);
        } else {
          PasswdEntry e = byName(users, userPart, "image USER");
          entry = Optional.of(e);
          uid = e.uid();
        }
      }
      if (groupPart.isEmpty()) {
        gid = entry.map(PasswdEntry::gid).orElse(0L);
      } else {
        Long numeric = EtcFiles.id(groupPart);
        gid = numeric != null ? numeric : groupByName(groups, groupPart).gid();
      }
    }
    TreeSet<Long> extra = new TreeSet<>();
    // The primary gid is listed too: without it, setgroups(2) drops a group the image's files may
    // rely on (containerd's fix for CVE-2023-25173).
    extra.add(gid);
    extra.addAll(sandboxGroups);
    extra.addAll(sc.supplementalGroups());
    if (sc.supplementalGroupsPolicy() == SupplementalGroupsPolicy.MERGE && entry.isPresent()) {
      String name = entry.get().name();
      for (GroupEntry g : groups) {
        if (g.members().contains(name)) {
          extra.add(g.gid());
        }
      }
    }
    return new User(uid, gid).additionalGids(new ArrayList<>(extra));
  }

  private static Optional<PasswdEntry> byUid(List<PasswdEntry> users, long uid) {
    return users.stream().filter(u -> u.uid() == uid).findFirst();
  }

  private static PasswdEntry byName(List<PasswdEntry> users, String name, String what) {
    return users.stream()
        .filter(u -> u.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new InvalidArgumentException(
                    what + " '" + name + "' is not a user in the image's /etc/passwd"));
  }

  private static GroupEntry groupByName(List<GroupEntry> groups, String name) {
    return groups.stream()
        .filter(g -> g.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new InvalidArgumentException(
                    "image USER group '" + name + "' is not a group in the image's /etc/group"));
  }
}
