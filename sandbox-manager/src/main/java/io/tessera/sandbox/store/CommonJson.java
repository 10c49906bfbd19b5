package io.tessera.sandbox.store;

import java.util.List;
import java.util.Map;

/**
 * On-disk JSON shapes shared by pod.json and container.json (format version 1). Kept apart from the
 * domain records so that the file format changes only on purpose: any change to these shapes needs
 * a new format version and a translator for the old one.
 */
final class CommonJson {
  private CommonJson() {}

  record IdMappingJson(long hostId, long containerId, long length) {}

  record UserNamespaceJson(String mode, List<IdMappingJson> uids, List<IdMappingJson> gids) {}

  record NamespaceOptionsJson(
      String network, String pid, String ipc, String targetId, UserNamespaceJson userNamespace) {}

  record SeLinuxJson(String user, String role, String type, String level) {}

  record SecurityProfileJson(String type, String localhostRef) {}

  record HugepageLimitJson(String pageSize, long limit) {}

  record ResourcesJson(
      long cpuPeriod,
      long cpuQuota,
      long cpuShares,
      long memoryLimitInBytes,
      long oomScoreAdj,
      String cpusetCpus,
      String cpusetMems,
      List<HugepageLimitJson> hugepageLimits,
      Map<String, String> unified,
      long memorySwapLimitInBytes) {}

  record ImageSpecJson(
      String image,
      Map<String, String> annotations,
      String userSpecifiedImage,
      String runtimeHandler,
      String imageRef) {}
}
