package io.tessera.sandbox.model;

/**
 * Identity of a container within its pod (CRI ContainerMetadata); (name, attempt) never repeats.
 *
 * @param attempt uint32
 */
public record ContainerMetadata(String name, long attempt) {
  public ContainerMetadata {
    Checks.nonEmpty(name, "container name");
    Checks.uint32(attempt, "container attempt");
  }
}
