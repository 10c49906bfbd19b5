package io.tessera.storage.snapshot;

/**
 * How writable-layer size caps are enforced ({@code [storage] quota_backend}); docs/quota.md.
 *
 * <ul>
 *   <li>{@link #AUTO}: XFS when the snapshots directory is on XFS with prjquota and the probe
 *       works, otherwise off;
 *   <li>{@link #XFS}: XFS project quotas, required (the snapshotter refuses to open without them);
 *   <li>{@link #LOOP}: each sized writable layer on its own ext4 image file, loop-mounted;
 *   <li>{@link #OFF}: no caps; a size asked for is refused.
 * </ul>
 */
public enum QuotaBackend {
  AUTO,
  XFS,
  LOOP,
  OFF
}
