package io.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tessera.cri.v1.CgroupDriver;
import io.tessera.cri.v1.CheckpointContainerRequest;
import io.tessera.cri.v1.RuntimeCondition;
import io.tessera.cri.v1.RuntimeConfigRequest;
import io.tessera.cri.v1.StatusRequest;
import io.tessera.cri.v1.StatusResponse;
import io.tessera.cri.v1.VersionRequest;
import io.tessera.cri.v1.VersionResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Version, Status, RuntimeConfig and the unimplemented surface, over the real socket. */
class RuntimeInfoIT {
  @RegisterExtension static final TesseraDaemonExtension daemon = new TesseraDaemonExtension();

  @Test
  void versionNamesTheRuntime() {
    VersionResponse v =
        daemon.client().runtime().version(VersionRequest.newBuilder().setVersion("v1").build());
    assertThat(v.getVersion()).isEqualTo("0.1.0");
    assertThat(v.getRuntimeName()).isEqualTo("tessera");
    assertThat(v.getRuntimeVersion()).isEqualTo("0.1.0");
    assertThat(v.getRuntimeApiVersion()).isEqualTo("v1");
  }

  @Test
  void statusReportsRuntimeReadyAndNetworkReadyOnTheDefaultNetwork() {
    StatusResponse s = daemon.client().runtime().status(StatusRequest.getDefaultInstance());
    assertThat(s.getStatus().getConditionsList())
        .extracting(RuntimeCondition::getType)
        .containsExactly("RuntimeReady", "NetworkReady");
    RuntimeCondition runtime = s.getStatus().getConditions(0);
    assertThat(runtime.getStatus()).isTrue();
    assertThat(runtime.getMessage()).contains("runc");
    RuntimeCondition network = s.getStatus().getConditions(1);
    assertThat(network.getStatus()).as(network.getMessage()).isTrue();
    assertThat(network.getReason()).isEmpty();
    assertThat(s.getInfoMap()).isEmpty();
  }

  @Test
  void verboseStatusCarriesInfo() {
    StatusResponse s =
        daemon.client().runtime().status(StatusRequest.newBuilder().setVerbose(true).build());
    assertThat(s.getInfoMap()).containsKeys("config", "host", "version");
    assertThat(s.getInfoMap().get("config")).contains(daemon.dirs().socket().toString());
    assertThat(s.getInfoMap().get("host")).contains("cgroupLayout");
  }

  @Test
  void runtimeConfigReportsTheCgroupDriver() {
    assertThat(
            daemon
                .client()
                .runtime()
                .runtimeConfig(RuntimeConfigRequest.getDefaultInstance())
                .getLinux()
                .getCgroupDriver())
        .isEqualTo(CgroupDriver.CGROUPFS);
  }

  @Test
  void unimplementedRuntimeRpcSaysSoAndNamesIt() {
    assertThatThrownBy(
            () ->
                daemon
                    .client()
                    .runtime()
                    .checkpointContainer(CheckpointContainerRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
              assertThat(e.getStatus().getDescription()).contains("CheckpointContainer");
            });
  }

  @Test
  void socketIsASocketWithMode0660() throws Exception {
    int mode =
        (Integer)
            Files.getAttribute(daemon.dirs().socket(), "unix:mode", LinkOption.NOFOLLOW_LINKS);
    assertThat(mode & 0170000).as("file type").isEqualTo(0140000);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.dirs().socket())))
        .isEqualTo("rw-rw----");
  }
}
