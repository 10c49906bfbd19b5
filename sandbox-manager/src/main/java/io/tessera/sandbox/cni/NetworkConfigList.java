package io.tessera.sandbox.cni;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A parsed, validated CNI network configuration list: what one {@code .conflist} (or a wrapped
 * single-plugin {@code .conf}) says.
 *
 * @param raw the whole list as JSON, kept so that a DEL can run with exactly the config of its ADD
 * @param source the file it came from, or null for a built-in or cached list
 */
record NetworkConfigList(
    String name,
    String cniVersion,
    boolean disableCheck,
    List<Plugin> plugins,
    ObjectNode raw,
    Path source) {

  NetworkConfigList {
    plugins = List.copyOf(plugins);
  }

  /** One entry of "plugins": its type (the binary's name), declared capabilities, and JSON. */
  record Plugin(String type, Set<String> capabilities, ObjectNode raw) {
    Plugin {
      capabilities = Set.copyOf(capabilities);
    }
  }

  String describe() {
    return source == null ? "network " + name : "network " + name + " (" + source + ")";
  }
}
