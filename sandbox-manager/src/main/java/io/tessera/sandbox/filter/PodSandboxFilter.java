package io.tessera.sandbox.filter;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.sandbox.model.PodSandbox;
import io.tessera.sandbox.model.PodSandboxState;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The ListPodSandbox filter (CRI PodSandboxFilter): every field that is set must match (AND).
 *
 * <p>An id may be a prefix, resolved the way containerd does it: {@link #resolveId} replaces a
 * prefix that names exactly one sandbox with its full id; a prefix that names none or several is
 * kept and, being compared for equality, matches nothing. Matching itself is a pure function.
 *
 * @param id a full id, or a prefix until resolved; absent = any (CRI's "")
 * @param labelSelector each entry must be among the sandbox's labels with an equal value
 */
public record PodSandboxFilter(
    Optional<String> id, Optional<PodSandboxState> state, Map<String, String> labelSelector) {

  /** Matches every sandbox. */
  public static final PodSandboxFilter ALL =
      new PodSandboxFilter(Optional.empty(), Optional.empty(), Map.of());

  public PodSandboxFilter {
    Objects.requireNonNull(id, "id");
    id.ifPresent(
        i -> {
          if (i.isEmpty()) {
            throw new InvalidArgumentException("a filter id must not be empty; leave it unset");
          }
        });
    Objects.requireNonNull(state, "state");
    labelSelector = Map.copyOf(labelSelector);
  }

  /**
   * This filter with its id resolved by {@code resolver} (e.g. the pod sandbox store's {@code
   * tryResolve}): the full id when the resolver finds exactly one, else the id as it was.
   */
  public PodSandboxFilter resolveId(Function<String, Optional<String>> resolver) {
    if (id.isEmpty()) {
      return this;
    }
    Optional<String> full = resolver.apply(id.get());
    return full.isEmpty() ? this : new PodSandboxFilter(full, state, labelSelector);
  }

  /** Whether {@code pod} passes; the id must be equal, so resolve prefixes first. */
  public boolean matches(PodSandbox pod) {
    return id.map(pod.id()::equals).orElse(true)
        && state.map(s -> s == pod.state()).orElse(true)
        && LabelSelector.matches(labelSelector, pod.labels());
  }

  /** The sandboxes of {@code pods} that pass, in their order. */
  public List<PodSandbox> apply(Collection<PodSandbox> pods) {
    return pods.stream().filter(this::matches).toList();
  }
}
