/**
 * The pod sandbox and container domain in CRI's words, free of protobuf types: immutable records
 * that split what a request asked for ({@code *Config}), what Tessera made for it ({@code
 * *RuntimeFacts}) and what changes ({@code *Status}, replaced whole), with the state machines in
 * {@link io.tessera.sandbox.model.PodSandboxState} and {@link
 * io.tessera.sandbox.model.ContainerState}. Invalid values are refused with {@link
 * io.tessera.kernel.errors.InvalidArgumentException}, refused state moves with {@link
 * io.tessera.kernel.errors.FailedPreconditionException}.
 */
package io.tessera.sandbox.model;
