package io.tessera.storage.layer;

import io.tessera.storage.ref.Digest;
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
  public static Digest next(Digest parentChainId, Digest diffId) {
    if (parentChainId == null) {
      return diffId;
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] text =
          (parentChainId.toString() + " " + diffId.toString()).getBytes(StandardCharsets.UTF_8);
      return Digest.fromMessageDigest(Digest.SHA256, sha.digest(text));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The chain ids of a whole image, bottom layer first, from its config's diff ids in order. */
  public static List<Digest> of(List<Digest> diffIds) {
    List<Digest> chain = new ArrayList<>(diffIds.size());
    Digest parent = null;
    for (Digest diffId : diffIds) {
      parent = next(parent, diffId);
      chain.add(parent);
    }
    return List.copyOf(chain);
  }
}
