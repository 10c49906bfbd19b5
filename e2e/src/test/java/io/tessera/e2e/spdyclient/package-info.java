/**
 * An independent client for the Kubernetes streaming protocols over SPDY/3.1, written for the e2e
 * tests from the protocol as kubectl speaks it (client-go tools/remotecommand and
 * tools/portforward, apimachinery httpstream/spdy), on Netty's SPDY codec in client mode.
 *
 * <p>It shares no class with the runtime's streaming server: a test that passes shows that the
 * server speaks the protocol, not that both sides agree on a private reading of it.
 *
 * <ul>
 *   <li>{@link io.tessera.e2e.spdyclient.SpdyConnection}: the HTTP/1.1 upgrade (Upgrade: SPDY/3.1,
 *       X-Stream-Protocol-Version) and client-initiated streams.
 *   <li>{@link io.tessera.e2e.spdyclient.RemoteCommandSession}: exec and attach (streams error,
 *       stdin, stdout, stderr, resize, in kubectl's order), the v4 exit status.
 *   <li>{@link io.tessera.e2e.spdyclient.PortForwardSession}: portforward.k8s.io (an error and a
 *       data stream per connection, with port and requestID headers).
 * </ul>
 */
package io.tessera.e2e.spdyclient;
