package io.tessera.sandbox.cni;

/**
 * Whether pods can get a network now, for CRI Status' NetworkReady condition.
 *
 * @param reason CRI-style reason, empty when ready, {@value #NOT_READY} otherwise
 * @param message what is wrong, naming the config file, plugin or directory concerned
 */
public record NetworkStatus(boolean ready, String reason, String message) {
  /** The reason kubelet users know from containerd and CRI-O. */
  public static final String NOT_READY = "NetworkPluginNotReady";

  public static NetworkStatus readyStatus(String message) {
    return new NetworkStatus(true, "", message);
  }

  public static NetworkStatus notReady(String message) {
    return new NetworkStatus(false, NOT_READY, message);
  }
}
