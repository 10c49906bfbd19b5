package io.tessera.sandbox.model;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.List;
import java.util.Objects;

/** User namespace of a pod (CRI UserNamespace): only POD (own mappings) or NODE are meaningful. */
public record UserNamespace(NamespaceMode mode, List<IdMapping> uids, List<IdMapping> gids) {
  public UserNamespace {
    Objects.requireNonNull(mode, "user namespace mode");
    if (mode != NamespaceMode.POD && mode != NamespaceMode.NODE) {
      throw new InvalidArgumentException("user namespace mode " + mode + " is not POD or NODE");
    }
    uids = List.copyOf(uids);
    gids = List.copyOf(gids);
  }
}
