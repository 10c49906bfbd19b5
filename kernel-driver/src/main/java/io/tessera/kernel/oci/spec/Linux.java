package io.tessera.kernel.oci.spec;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.kernel.ns.NsType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runtime-spec {@code linux} section: namespaces, id mappings, cgroup and resources, devices,
 * seccomp, masked and read-only paths. Resources and seccomp are kept as raw JSON structures
 * (resource limits get their own model with the change that enforces them; seccomp profiles are
 * passed through as given). Mutable, fluent, not thread-safe.
 */
@OciJson
public final class Linux {
  private List<IdMapping> uidMappings = new ArrayList<>();
  private List<IdMapping> gidMappings = new ArrayList<>();
  private Map<String, String> sysctl = new LinkedHashMap<>();
  private Map<String, Object> resources = new LinkedHashMap<>();
  private String cgroupsPath;
  private List<LinuxNamespace> namespaces = new ArrayList<>();
  private List<LinuxDevice> devices = new ArrayList<>();
  private JsonNode seccomp;
  private String rootfsPropagation;
  private List<String> maskedPaths = new ArrayList<>();
  private List<String> readonlyPaths = new ArrayList<>();
  private String mountLabel;

  public List<IdMapping> uidMappings() {
    return uidMappings;
  }

  public Linux uidMappings(List<IdMapping> uidMappings) {
    this.uidMappings = new ArrayList<>(uidMappings);
    return this;
  }

  public List<IdMapping> gidMappings() {
    return gidMappings;
  }

  public Linux gidMappings(List<IdMapping> gidMappings) {
    this.gidMappings = new ArrayList<>(gidMappings);
    return this;
  }

  public Map<String, String> sysctl() {
    return sysctl;
  }

  public Linux sysctl(Map<String, String> sysctl) {
    this.sysctl = new LinkedHashMap<>(sysctl);
    return this;
  }

  /** {@code linux.resources} as a JSON object tree (maps, lists, numbers, strings). */
  public Map<String, Object> resources() {
    return resources;
  }

  public Linux resources(Map<String, Object> resources) {
    this.resources = new LinkedHashMap<>(resources);
    return this;
  }

  public String cgroupsPath() {
    return cgroupsPath;
  }

  /** With the cgroupfs driver an absolute cgroup path, e.g. {@code /tessera/pod/ctr}. */
  public Linux cgroupsPath(String cgroupsPath) {
    this.cgroupsPath = cgroupsPath;
    return this;
  }

  public List<LinuxNamespace> namespaces() {
    return namespaces;
  }

  public Linux namespaces(List<LinuxNamespace> namespaces) {
    this.namespaces = new ArrayList<>(namespaces);
    return this;
  }

  /** Sets the namespace of {@code type}: new ({@code path} null) or joined at {@code path}. */
  public Linux namespace(NsType type, Path path) {
    namespaces.removeIf(n -> n.type().equals(type.ociName()));
    namespaces.add(new LinuxNamespace(type.ociName(), path == null ? null : path.toString()));
    return this;
  }

  /** Drops the namespace of {@code type}: the container shares the host's. */
  public Linux withoutNamespace(NsType type) {
    namespaces.removeIf(n -> n.type().equals(type.ociName()));
    return this;
  }

  public List<LinuxDevice> devices() {
    return devices;
  }

  public Linux devices(List<LinuxDevice> devices) {
    this.devices = new ArrayList<>(devices);
    return this;
  }

  public JsonNode seccomp() {
    return seccomp;
  }

  public Linux seccomp(JsonNode seccomp) {
    this.seccomp = seccomp;
    return this;
  }

  public String rootfsPropagation() {
    return rootfsPropagation;
  }

  public Linux rootfsPropagation(String rootfsPropagation) {
    this.rootfsPropagation = rootfsPropagation;
    return this;
  }

  public List<String> maskedPaths() {
    return maskedPaths;
  }

  public Linux maskedPaths(List<String> maskedPaths) {
    this.maskedPaths = new ArrayList<>(maskedPaths);
    return this;
  }

  public List<String> readonlyPaths() {
    return readonlyPaths;
  }

  public Linux readonlyPaths(List<String> readonlyPaths) {
    this.readonlyPaths = new ArrayList<>(readonlyPaths);
    return this;
  }

  public String mountLabel() {
    return mountLabel;
  }

  public Linux mountLabel(String mountLabel) {
    this.mountLabel = mountLabel;
    return this;
  }
}
