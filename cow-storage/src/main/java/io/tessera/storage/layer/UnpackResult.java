package io.tessera.storage.layer;

/**
 * What {@link LayerUnpacker#unpack} read.
 *
 * @param diffId sha256 of the whole uncompressed tar stream (the OCI DiffID)
 * @param uncompressedSize bytes of the uncompressed tar stream, padding and trailer included
 * @param entries tar members applied (PAX and GNU metadata headers not counted)
 */
public record UnpackResult(LayerDigest diffId, long uncompressedSize, long entries) {}
