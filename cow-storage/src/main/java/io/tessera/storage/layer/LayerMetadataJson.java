package io.tessera.storage.layer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The on-disk form of a layer's metadata ({@code layer.json} beside its {@code diff}), version 1.
 * Translated to and from {@link LayerStore.Layer} by the store only.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
record LayerMetadataJson(
    int version,
    String chainId,
    String parentChainId,
    String diffId,
    long uncompressedSize,
    long entries) {

  static final int VERSION = 1;
}
