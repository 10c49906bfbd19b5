/**
 * The runtime side of Exec, Attach and PortForward streams: sessions with byte streams, resize and
 * exit status, free of any wire protocol. The streaming server in cri-server speaks SPDY and
 * WebSocket and moves bytes between the client and a {@link
 * io.tessera.sandbox.streaming.StreamSession}.
 */
package io.tessera.sandbox.streaming;
