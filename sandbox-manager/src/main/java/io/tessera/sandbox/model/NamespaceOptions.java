package io.tessera.sandbox.model;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.Objects;
import java.util.Optional;

/**
 * Which namespaces a pod or container shares (CRI NamespaceOption).
 *
 * @param targetId container whose namespaces are joined where a mode is TARGET; empty otherwise
 * @param userNamespace absent when CRI left it unset (no user namespace handling requested)
 */
public record NamespaceOptions(
    NamespaceMode network,
    NamespaceMode pid,
    NamespaceMode ipc,
    String targetId,
    Optional<UserNamespace> userNamespace) {

  /** CRI's defaults: every mode POD, no target, no user namespace. */
  public static final NamespaceOptions DEFAULT =
      new NamespaceOptions(
          NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD, "", Optional.empty());

  public NamespaceOptions {
    Objects.requireNonNull(network, "network namespace mode");
    Objects.requireNonNull(pid, "pid namespace mode");
    Objects.requireNonNull(ipc, "ipc namespace mode");
    Objects.requireNonNull(targetId, "namespace target id");
    Objects.requireNonNull(userNamespace, "user namespace");
    boolean targeted =
        network == NamespaceMode.TARGET
            || pid == NamespaceMode.TARGET
            || ipc == NamespaceMode.TARGET;
    if (targeted && targetId.isEmpty()) {
      throw new InvalidArgumentException("namespace mode TARGET needs a target container id");
    }
  }
}
