package io.tessera.sandbox.cni;

import java.util.Optional;

/**
 * A CNI plugin invocation that failed: the plugin's own error (code, msg, details), or its exit
 * status and stderr, or a timeout. It is the cause chained under the domain exception that {@link
 * CniNetwork} throws, for callers that want the plugin's error code.
 */
public final class CniPluginException extends Exception {
  private static final long serialVersionUID = 1L;

  /** CNI's well-known code for "try again later". */
  public static final int CODE_TRY_AGAIN_LATER = 11;

  private final String pluginType;
  private final String command;
  private final int code;
  private final String pluginMessage;
  private final String details;
  private final String stderr;
  private final boolean timedOut;

  CniPluginException(
      String message,
      String pluginType,
      String command,
      int code,
      String pluginMessage,
      String details,
      String stderr,
      boolean timedOut) {
    super(message);
    this.pluginType = pluginType;
    this.command = command;
    this.code = code;
    this.pluginMessage = pluginMessage;
    this.details = details;
    this.stderr = stderr;
    this.timedOut = timedOut;
  }

  /** The plugin's type, i.e. its binary's name. */
  public String pluginType() {
    return pluginType;
  }

  /** ADD, DEL, CHECK or STATUS. */
  public String command() {
    return command;
  }

  /** The CNI error code the plugin printed, if it printed one. */
  public Optional<Integer> code() {
    return code == 0 ? Optional.empty() : Optional.of(code);
  }

  /** The plugin's {@code msg}, or empty. */
  public String pluginMessage() {
    return pluginMessage;
  }

  public String details() {
    return details;
  }

  public String stderr() {
    return stderr;
  }

  public boolean timedOut() {
    return timedOut;
  }
}
