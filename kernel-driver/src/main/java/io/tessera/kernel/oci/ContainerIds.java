package io.tessera.kernel.oci;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.regex.Pattern;

/** The container ids Tessera hands to runtimes and conmon. */
final class ContainerIds {
  /**
   * Letters, digits, '_' and '-', as runc allows minus its '.', '+': a dot would make an id look
   * like the temporary files conmon renames into the exit directory.
   */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

  private ContainerIds() {}

  static String validate(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new InvalidArgumentException(
          "container id must be 1-128 letters, digits, '_' or '-', starting alphanumeric: " + id);
    }
    return id;
  }

  static boolean isValid(String id) {
    return id != null && ID.matcher(id).matches();
  }
}
