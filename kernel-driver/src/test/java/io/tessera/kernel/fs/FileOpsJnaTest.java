package io.tessera.kernel.fs;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.kernel.errors.AlreadyExistsException;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.UnimplementedException;
import io.tessera.kernel.jna.LibcFiles;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FileOpsJnaTest {

  @Test
  void splitsNulSeparatedXattrNames() {
    byte[] list = "user.a\0trusted.overlay.opaque\0\0".getBytes(StandardCharsets.UTF_8);
    assertThat(FileOpsJna.splitNames(list, list.length))
        .containsExactly("user.a", "trusted.overlay.opaque");
    assertThat(FileOpsJna.splitNames(list, 0)).isEmpty();
  }

  @Test
  void mapsErrnoToTheDomainFamilyWithCallPathAndText() {
    ErrnoException cause = new ErrnoException("mknod", "/x/y", LibcFiles.EEXIST, "File exists");
    var e = FileOpsJna.domainException(LibcFiles.EEXIST, cause);
    assertThat(e).isInstanceOf(AlreadyExistsException.class).hasCause(cause);
    assertThat(e.getMessage()).isEqualTo("mknod /x/y: File exists (errno 17)");

    assertThat(FileOpsJna.domainException(LibcFiles.ENOENT, cause))
        .isInstanceOf(NotFoundException.class);
    assertThat(FileOpsJna.domainException(LibcFiles.EPERM, cause))
        .isInstanceOf(FailedPreconditionException.class);
    assertThat(FileOpsJna.domainException(LibcFiles.EOPNOTSUPP, cause))
        .isInstanceOf(UnimplementedException.class);
    assertThat(FileOpsJna.domainException(LibcFiles.ELOOP, cause))
        .isInstanceOf(InternalException.class);
  }
}
