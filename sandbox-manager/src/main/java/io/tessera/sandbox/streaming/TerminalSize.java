package io.tessera.sandbox.streaming;

import io.tessera.kernel.errors.InvalidArgumentException;

/**
 * A terminal window size in character cells, as a resize message carries it.
 *
 * @param width columns, 1..65535
 * @param height rows, 1..65535
 */
public record TerminalSize(int width, int height) {
  public TerminalSize {
    if (width < 1 || width > 0xFFFF || height < 1 || height > 0xFFFF) {
      throw new InvalidArgumentException(
          "terminal size " + width + "x" + height + " is out of range 1..65535");
    }
  }
}
