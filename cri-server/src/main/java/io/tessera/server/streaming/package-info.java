/**
 * The streaming server behind Exec, Attach and PortForward: a Netty HTTP server that hands out
 * single-use URLs and serves them over SPDY/3.1 and WebSocket with the Kubernetes stream protocols,
 * moving bytes between the client and a {@link io.tessera.sandbox.streaming.StreamSession} or a
 * port in a pod. See docs/streaming.md.
 */
package io.tessera.server.streaming;
