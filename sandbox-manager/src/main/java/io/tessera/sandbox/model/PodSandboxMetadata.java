package io.tessera.sandbox.model;

import java.util.Objects;

/**
 * Identity of a pod sandbox as Kubernetes knows it (CRI PodSandboxMetadata).
 *
 * @param attempt incremented by the kubelet each time it recreates the sandbox (uint32)
 */
public record PodSandboxMetadata(String name, String uid, String namespace, long attempt) {
  public PodSandboxMetadata {
    Checks.nonEmpty(name, "pod sandbox name");
    Objects.requireNonNull(uid, "pod sandbox uid");
    Objects.requireNonNull(namespace, "pod sandbox namespace");
    Checks.uint32(attempt, "pod sandbox attempt");
  }
}
