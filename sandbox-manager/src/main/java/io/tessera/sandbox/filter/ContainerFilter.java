package io.tessera.sandbox.filter;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.sandbox.model.Container;
import io.tessera.sandbox.model.ContainerState;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The ListContainers filter (CRI ContainerFilter): every field that is set must match (AND).
 *
 * <p>The container id and the pod sandbox id may be prefixes, resolved as containerd does it:
 * {@link #resolveIds} replaces each prefix that names exactly one object with its full id; one that
 * names none or several is kept and matches nothing. Matching itself is a pure function.
 *
 * @param id a full container id, or a prefix until resolved; absent = any (CRI's "")
 * @param podSandboxId a full pod sandbox id, or a prefix until resolved; absent = any
 * @param labelSelector each entry must be among the container's labels with an equal value
 */
public record ContainerFilter(
    Optional<String> id,
    Optional<ContainerState> state,
    Optional<String> podSandboxId,
    Map<String, String> labelSelector) {

  /** Matches every container. */
  public static final ContainerFilter ALL =
      new ContainerFilter(Optional.empty(), Optional.empty(), Optional.empty(), Map.of());

  public ContainerFilter {
    Objects.requireNonNull(id, "id");
    id.ifPresent(i -> requireNonEmpty(i, "container id"));
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(podSandboxId, "pod sandbox id");
    podSandboxId.ifPresent(i -> requireNonEmpty(i, "pod sandbox id"));
    labelSelector = Map.copyOf(labelSelector);
  }

  private static void requireNonEmpty(String s, String what) {
    if (s.isEmpty()) {
      throw new InvalidArgumentException("a filter " + what + " must not be empty; leave it unset");
    }
  }

  /**
   * This filter with its ids resolved: {@code containerIds} and {@code podSandboxIds} (e.g. the two
   * stores' {@code tryResolve}) give the full id for a prefix that names exactly one object.
   */
  public ContainerFilter resolveIds(
      Function<String, Optional<String>> containerIds,
      Function<String, Optional<String>> podSandboxIds) {
    Optional<String> fullId = id.flatMap(containerIds).or(() -> id);
    Optional<String> fullPod = podSandboxId.flatMap(podSandboxIds).or(() -> podSandboxId);
    return new ContainerFilter(fullId, state, fullPod, labelSelector);
  }

  /** Whether {@code container} passes; ids must be equal, so resolve prefixes first. */
  public boolean matches(Container container) {
    return id.map(container.id()::equals).orElse(true)
        && state.map(s -> s == container.state()).orElse(true)
        && podSandboxId.map(container.podSandboxId()::equals).orElse(true)
        && LabelSelector.matches(labelSelector, container.labels());
  }

  /** The containers of {@code containers} that pass, in their order. */
  public List<Container> apply(Collection<Container> containers) {
    return containers.stream().filter(this::matches).toList();
  }
}
