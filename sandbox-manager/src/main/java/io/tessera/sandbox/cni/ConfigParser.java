package io.tessera.sandbox.cni;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Parses and validates CNI network configuration (lists) per the CNI spec. Pure. */
final class ConfigParser {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The spec's rule for network names (and container ids). */
  static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.\\-]*");

  private ConfigParser() {}

  /** Parses a {@code .conflist}. */
  static NetworkConfigList parseList(byte[] content, Path source) throws InvalidConfigException {
    ObjectNode root = parseObject(content);
    if (!root.has("plugins") && root.has("type")) {
      throw new InvalidConfigException(
          "has a \"type\" but no \"plugins\": a single-plugin config belongs in a .conf file");
    }
    String version = version(root);
    String name = name(root);
    JsonNode plugins = root.get("plugins");
    if (plugins == null || !plugins.isArray()) {
      throw new InvalidConfigException("\"plugins\" is missing or not an array");
    }
    if (plugins.isEmpty()) {
      throw new InvalidConfigException("\"plugins\" is empty");
    }
    List<NetworkConfigList.Plugin> list = new ArrayList<>();
    for (int i = 0; i < plugins.size(); i++) {
      JsonNode p = plugins.get(i);
      if (!p.isObject()) {
        throw new InvalidConfigException("plugins[" + i + "] is not an object");
      }
      list.add(plugin((ObjectNode) p, "plugins[" + i + "]"));
    }
    return new NetworkConfigList(name, version, disableCheck(root), list, root, source);
  }

  /** Parses a single-plugin {@code .conf}/{@code .json} and wraps it into a one-entry list. */
  static NetworkConfigList parseSingle(byte[] content, Path source) throws InvalidConfigException {
    ObjectNode conf = parseObject(content);
    if (conf.has("plugins")) {
      throw new InvalidConfigException(
          "has \"plugins\": a configuration list belongs in a .conflist file");
    }
    String version = version(conf);
    String name = name(conf);
    NetworkConfigList.Plugin plugin = plugin(conf, "the plugin");
    ObjectNode list = JSON.createObjectNode();
    list.put("cniVersion", version);
    list.put("name", name);
    list.set("plugins", JSON.createArrayNode().add(conf.deepCopy()));
    return new NetworkConfigList(name, version, false, List.of(plugin), list, source);
  }

  /** Re-reads a list this class produced (from the result cache). */
  static NetworkConfigList fromRaw(ObjectNode raw) throws InvalidConfigException {
    return parseList(raw.toString().getBytes(StandardCharsets.UTF_8), null);
  }

  private static ObjectNode parseObject(byte[] content) throws InvalidConfigException {
    JsonNode root;
    try {
      root = JSON.readTree(content);
    } catch (JsonProcessingException e) {
      throw new InvalidConfigException("not valid JSON: " + e.getOriginalMessage(), e);
    } catch (java.io.IOException e) {
      throw new InvalidConfigException("not readable as JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidConfigException("not a JSON object");
    }
    return (ObjectNode) root;
  }

  private static String version(ObjectNode root) throws InvalidConfigException {
    JsonNode v = root.get("cniVersion");
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw new InvalidConfigException("\"cniVersion\" is missing");
    }
    if (!CniVersion.isSupported(v.asText())) {
      throw new InvalidConfigException(
          "cniVersion "
              + v.asText()
              + " is not supported (supported: "
              + String.join(", ", CniVersion.SUPPORTED)
              + ")");
    }
    return v.asText();
  }

  private static String name(ObjectNode root) throws InvalidConfigException {
    JsonNode n = root.get("name");
    if (n == null || !n.isTextual() || n.asText().isEmpty()) {
      throw new InvalidConfigException("\"name\" is missing");
    }
    if (!NAME.matcher(n.asText()).matches()) {
      throw new InvalidConfigException(
          "name \"" + n.asText() + "\" has characters other than letters, digits, _ . -");
    }
    return n.asText();
  }

  private static boolean disableCheck(ObjectNode root) throws InvalidConfigException {
    JsonNode d = root.get("disableCheck");
    if (d == null || d.isNull()) {
      return false;
    }
    // libcni accepts the string forms as well; configs in the wild use both.
    if (d.isBoolean()) {
      return d.asBoolean();
    }
    if (d.isTextual() && (d.asText().equals("true") || d.asText().equals("false"))) {
      return Boolean.parseBoolean(d.asText());
    }
    throw new InvalidConfigException("\"disableCheck\" is neither true nor false");
  }

  private static NetworkConfigList.Plugin plugin(ObjectNode p, String where)
      throws InvalidConfigException {
    JsonNode t = p.get("type");
    if (t == null || !t.isTextual() || t.asText().isEmpty()) {
      throw new InvalidConfigException(where + " has no \"type\"");
    }
    String type = t.asText();
    // The type names a binary in the plugin dirs; a path would escape them.
    if (type.contains("/") || type.equals(".") || type.equals("..")) {
      throw new InvalidConfigException(where + " has an invalid type \"" + type + "\"");
    }
    Set<String> caps = new HashSet<>();
    JsonNode c = p.get("capabilities");
    if (c != null && !c.isNull()) {
      if (!c.isObject()) {
        throw new InvalidConfigException(
            where + " (" + type + "): \"capabilities\" is not an object");
      }
      Iterator<Map.Entry<String, JsonNode>> it = c.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().asBoolean(false)) {
          caps.add(e.getKey());
        }
      }
    }
    return new NetworkConfigList.Plugin(type, caps, p);
  }

  /** Builds the stdin of one plugin invocation, as libcni does: name/version injected. */
  static ObjectNode pluginInput(
      NetworkConfigList list,
      NetworkConfigList.Plugin plugin,
      JsonNode prevResult,
      ObjectNode runtimeConfig) {
    ObjectNode conf = plugin.raw().deepCopy();
    conf.put("name", list.name());
    conf.put("cniVersion", list.cniVersion());
    if (prevResult != null && !prevResult.isNull()) {
      conf.set("prevResult", prevResult);
    }
    if (runtimeConfig != null && !runtimeConfig.isEmpty()) {
      conf.set("runtimeConfig", runtimeConfig);
    }
    return conf;
  }
}
