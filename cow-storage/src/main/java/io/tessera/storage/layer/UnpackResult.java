package io.tessera.storage.layer;

import io.tessera.storage.ref.Digest;

/**
 * What {@link LayerUnpacker#unpack} read.
 *
 * @param diffId sha256 of the whole uncompressed tar stream (the OCI DiffID)
 * @param uncompressedSize bytes of the uncompressed tar stream, padding and trailer included
 * @param entries tar members applied (PAX and GNU metadata headers not counted)
 */
public record UnpackResult(Digest diffId, long uncompressedSize, long entries) {}
