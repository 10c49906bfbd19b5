package io.tessera.storage.image;

import java.nio.file.Path;

/**
 * Space used by the image filesystem: content blobs plus unpacked layers.
 *
 * @param mountpoint the mount point of the filesystem holding the storage root
 * @param usedBytes bytes used by images
 * @param inodesUsed inodes used by images
 * @param timestampNanos when it was measured, Unix nanoseconds
 */
public record FsUsage(Path mountpoint, long usedBytes, long inodesUsed, long timestampNanos) {}
