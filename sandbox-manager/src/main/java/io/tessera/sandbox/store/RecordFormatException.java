package io.tessera.sandbox.store;

/** A stored JSON file that cannot be turned back into its object. */
final class RecordFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean unknownVersion;

  RecordFormatException(String message, boolean unknownVersion, Throwable cause) {
    super(message, cause);
    this.unknownVersion = unknownVersion;
  }

  static RecordFormatException corrupt(String message) {
    return new RecordFormatException(message, false, null);
  }

  static RecordFormatException corrupt(String message, Throwable cause) {
    return new RecordFormatException(message, false, cause);
  }

  static RecordFormatException unknownVersion(String message) {
    return new RecordFormatException(message, true, null);
  }

  /** True if the file is well formed but of a format version this build does not read. */
  boolean unknownVersion() {
    return unknownVersion;
  }
}
