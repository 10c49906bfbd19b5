package io.tessera.storage.image;

import io.tessera.storage.ref.Digest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the runtime uses of an image's configuration: the defaults a container inherits (user,
 * environment, entrypoint and command, working directory, stop signal) and the layers' diff ids.
 * Immutable.
 */
public record ImageConfig(
    String os,
    String architecture,
    String user,
    List<String> env,
    List<String> entrypoint,
    List<String> cmd,
    String workingDir,
    Map<String, String> labels,
    List<String> volumes,
    List<String> exposedPorts,
    String stopSignal,
    List<Digest> diffIds) {

  public ImageConfig {
    env = List.copyOf(env);
    entrypoint = List.copyOf(entrypoint);
    cmd = List.copyOf(cmd);
    labels = Map.copyOf(labels);
    volumes = List.copyOf(volumes);
    exposedPorts = List.copyOf(exposedPorts);
    diffIds = List.copyOf(diffIds);
  }

  /**
   * The numeric uid of the image's USER, when USER names one ({@code "1000"} or {@code
   * "1000:100"}); kubelet's reading of the field.
   */
  public OptionalLong uid() {
    String u = userPart();
    if (u.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(u));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** The user name of the image's USER when it is not numeric ({@code "nobody:nogroup"}). */
  public Optional<String> username() {
    String u = userPart();
    return u.isEmpty() || uid().isPresent() ? Optional.empty() : Optional.of(u);
  }

  private String userPart() {
    int colon = user.indexOf(':');
    return colon < 0 ? user : user.substring(0, colon);
  }
}
