package io.tessera.server.streaming;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The channel framing of the WebSocket stream protocols: each message starts with its channel
 * number. Binary protocols put the number in the first byte; the base64 ones send text: the number
 * as one ASCII digit, then the data in standard base64.
 */
final class ChannelFrames {
  /** v5: a client message on this channel with one byte N closes channel N's input. */
  static final int CLOSE_CHANNEL = 255;

  /** One decoded message. */
  record Message(int channel, byte[] data) {}

  private ChannelFrames() {}

  static byte[] encodeBinary(int channel, byte[] data, int off, int len) {
    byte[] frame = new byte[len + 1];
    frame[0] = (byte) channel;
    System.arraycopy(data, off, frame, 1, len);
    return frame;
  }

  static String encodeBase64(int channel, byte[] data, int off, int len) {
    return (char) ('0' + channel)
        + Base64.getEncoder().encodeToString(Arrays.copyOfRange(data, off, off + len));
  }

  /** Null for an empty message, which carries no channel (clients do not send those). */
  static Message decodeBinary(byte[] frame) {
    if (frame.length == 0) {
      return null;
    }
    return new Message(frame[0] & 0xFF, Arrays.copyOfRange(frame, 1, frame.length));
  }

  /**
   * Null for an empty message.
   *
   * @throws IllegalArgumentException when the payload is not base64
   */
  static Message decodeBase64(String frame) {
    if (frame.isEmpty()) {
      return null;
    }
    int channel = frame.charAt(0) - '0';
    byte[] data =
        Base64.getDecoder().decode(frame.substring(1).trim().getBytes(StandardCharsets.US_ASCII));
    return new Message(channel & 0xFF, data);
  }
}
