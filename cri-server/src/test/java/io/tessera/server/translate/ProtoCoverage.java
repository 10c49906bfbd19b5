package io.tessera.server.translate;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which fields of a message type graph a message leaves unset, so a "fully populated" fixture is
 * checked rather than assumed. A field counts as set when any occurrence of it in the tree is set
 * (non-default scalar, present message, non-empty repeated), which allows fixtures where two fields
 * exclude each other to spread them over two list elements.
 */
final class ProtoCoverage {
  private ProtoCoverage() {}

  /**
   * Full names of the fields reachable from {@code m}'s type that no occurrence in {@code m} sets.
   */
  static Set<String> unsetFields(Message m, Set<String> excluded) {
    Set<String> reachable = new TreeSet<>();
    reachable(m.getDescriptorForType(), excluded, new HashSet<>(), reachable);
    Set<String> seen = new HashSet<>();
    collectSet(m, seen);
    reachable.removeAll(seen);
    return reachable;
  }

  private static void reachable(
      Descriptor type, Set<String> excluded, Set<String> visited, Set<String> out) {
    if (!visited.add(type.getFullName())) {
      return;
    }
    for (FieldDescriptor f : type.getFields()) {
      if (excluded.contains(f.getFullName())) {
        continue;
      }
      out.add(f.getFullName());
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        reachable(f.getMessageType(), excluded, visited, out);
      }
    }
  }

  private static void collectSet(Message m, Set<String> seen) {
    m.getAllFields()
        .forEach(
            (f, value) -> {
              seen.add(f.getFullName());
              if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                return;
              }
              if (f.isRepeated()) {
                for (Object o : (List<?>) value) {
                  collectSet((Message) o, seen);
                }
              } else {
                collectSet((Message) value, seen);
              }
            });
  }
}
