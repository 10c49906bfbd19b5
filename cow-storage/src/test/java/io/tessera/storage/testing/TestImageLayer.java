package io.tessera.storage.testing;

import java.nio.file.Path;

/**
 * One layer of a {@link TestImage}, as its manifest and config describe it.
 *
 * @param digest the blob digest ({@code sha256:...}) in the manifest
 * @param diffId the uncompressed digest from the config's {@code rootfs.diff_ids}
 * @param blob the blob file inside the OCI layout
 */
public record TestImageLayer(
    String digest, String mediaType, long size, String diffId, Path blob) {}
