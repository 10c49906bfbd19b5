package io.tessera.server.streaming;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The stream subprotocols and how one is chosen: the first of the client's offers (in its order)
 * that the server supports, as k8s.io/apimachinery's httpstream.Handshake and wsstream do.
 */
final class StreamProtocols {
  static final String V5 = "v5.channel.k8s.io";
  static final String V4 = "v4.channel.k8s.io";
  static final String V3 = "v3.channel.k8s.io";
  static final String V2 = "v2.channel.k8s.io";
  static final String V1 = "channel.k8s.io";
  static final String V4_BASE64 = "v4.base64.channel.k8s.io";
  static final String V1_BASE64 = "base64.channel.k8s.io";
  static final String PORT_FORWARD = "portforward.k8s.io";

  /** SPDY exec/attach, newest first (the kubelet's list). */
  static final List<String> SPDY_REMOTE_COMMAND = List.of(V4, V3, V2, V1);

  static final List<String> SPDY_PORT_FORWARD = List.of(PORT_FORWARD);

  /** WebSocket exec/attach; "" is a client that offers no subprotocol (binary framing). */
  static final List<String> WS_REMOTE_COMMAND = List.of(V5, V4, V4_BASE64, V3, V2, V1, V1_BASE64);

  static final List<String> WS_PORT_FORWARD = List.of(V4, V4_BASE64, PORT_FORWARD);

  private StreamProtocols() {}

  /** Splits header values on commas and drops blanks. */
  static List<String> offers(List<String> headerValues) {
    List<String> out = new ArrayList<>();
    for (String v : headerValues) {
      for (String p : v.split(",")) {
        String t = p.trim();
        if (!t.isEmpty()) {
          out.add(t);
        }
      }
    }
    return out;
  }

  static Optional<String> negotiate(List<String> offers, List<String> supported) {
    return offers.stream().filter(supported::contains).findFirst();
  }

  /** Whether the error stream carries a JSON Status (else a plain message). */
  static boolean structuredStatus(String protocol) {
    return protocol.equals(V4) || protocol.equals(V5) || protocol.equals(V4_BASE64);
  }

  /** SPDY: protocols before v3 have no resize stream. */
  static boolean spdyResize(String protocol) {
    return protocol.equals(V4) || protocol.equals(V3);
  }

  static boolean base64(String protocol) {
    return protocol.equals(V4_BASE64) || protocol.equals(V1_BASE64);
  }
}
