package io.tessera.e2e;

import io.tessera.storage.testing.XfsLoopDevice;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An XFS loop device mounted with prjquota for one test class, as a daemon root: register it before
 * the {@link TesseraDaemonExtension} ({@code @Order}) and give the daemon {@code
 * d.withRoot(xfs.root())}, so it starts after the mount and stops before the unmount. Needs a
 * kernel with CONFIG_XFS_QUOTA.
 */
final class XfsRootExtension implements BeforeAllCallback, AfterAllCallback {
  private XfsLoopDevice xfs;

  @Override
  public void beforeAll(ExtensionContext context) {
    xfs = XfsLoopDevice.create(Path.of("/tmp"), XfsLoopDevice.MIN_SIZE_MIB, "prjquota");
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (xfs != null) {
      xfs.close();
    }
  }

  /** The daemon root: a directory on the XFS mount. */
  Path root() {
    return xfs.mountPoint().resolve("root");
  }

  Path device() {
    return xfs.device();
  }
}
