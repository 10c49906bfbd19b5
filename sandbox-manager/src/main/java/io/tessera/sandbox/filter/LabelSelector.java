package io.tessera.sandbox.filter;

import java.util.Map;

/** CRI's label selector: every entry must be present with an equal value. */
final class LabelSelector {
  private LabelSelector() {}

  static boolean matches(Map<String, String> selector, Map<String, String> labels) {
    for (Map.Entry<String, String> e : selector.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
