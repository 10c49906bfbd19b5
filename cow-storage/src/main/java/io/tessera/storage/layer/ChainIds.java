package io.tessera.storage.layer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Chain ids per the OCI image spec (config.md, "Layer ChainID"): {@code ChainID(L0) = DiffID(L0)},
 * {@code ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln))}. A chain id names a layer together
 * with everything below it, which is what an unpacked layer directory depends on.
 */
public final class ChainIds {
  private ChainIds() {}

  /**
   * The chain id of a layer with diff id {@code diffId} on top of {@code parentChainId}.
   *
   * @param parentChainId the chain id of the layer below, or {@code null} for the bottom layer
   */
  public static LayerDigest next(LayerDigest parentChainId, LayerDigest diffId) {
    if (parentChainId == null) {
      return diffId;
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] text = (parentChainId.value() + " " + diffId.value()).getBytes(StandardCharsets.UTF_8);
      return LayerDigest.ofSha256(sha.digest(text));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The chain ids of a whole image, bottom layer first, from its config's diff ids in order. */
  public static List<LayerDigest> of(List<LayerDigest> diffIds) {
    List<LayerDigest> chain = new ArrayList<>(diffIds.size());
    LayerDigest parent = null;
    for (LayerDigest diffId : diffIds) {
      parent = next(parent, diffId);
      chain.add(parent);
    }
    return List.copyOf(chain);
  }
}
