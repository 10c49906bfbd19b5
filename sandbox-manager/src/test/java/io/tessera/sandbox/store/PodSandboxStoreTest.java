package io.tessera.sandbox.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.sandbox.ids.Ids;
import io.tessera.sandbox.model.Fixtures;
import io.tessera.sandbox.model.LinuxContainerResources;
import io.tessera.sandbox.model.PendingOperation;
import io.tessera.sandbox.model.PodSandbox;
import io.tessera.sandbox.model.PodSandboxState;
import io.tessera.sandbox.model.PodSandboxStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class PodSandboxStoreTest extends StoreContractTest<PodSandbox, PodSandboxStatus> {

  @Override
  Store<PodSandbox, PodSandboxStatus> open(StoreLayout layout) {
    PodSandboxStore s = new PodSandboxStore(layout);
    return new Store<>() {
      @Override
      public LoadReport load() {
        return s.load();
      }

      @Override
      public void add(PodSandbox value) {
        s.add(value);
      }

      @Override
      public PodSandbox get(String idOrPrefix) {
        return s.get(idOrPrefix);
      }

      @Override
      public Optional<PodSandbox> find(String id) {
        return s.find(id);
      }

      @Override
      public Optional<String> tryResolve(String idOrPrefix) {
        return s.tryResolve(idOrPrefix);
      }

      @Override
      public List<PodSandbox> list() {
        return s.list();
      }

      @Override
      public PodSandbox update(String id, UnaryOperator<PodSandboxStatus> change) {
        return s.update(id, change);
      }

      @Override
      public boolean delete(String id) {
        return s.delete(id);
      }

      @Override
      public void discard(LoadProblem problem) {
        s.discard(problem);
      }
    };
  }

  @Override
  PodSandbox sample(String id, long createdAt) {
    return Fixtures.pod(id, "web", createdAt);
  }

  @Override
  PodSandboxStatus status(PodSandbox value) {
    return value.status();
  }

  @Override
  long counter(PodSandboxStatus status) {
    return status.resources().orElseThrow().cpuShares();
  }

  @Override
  PodSandboxStatus increment(PodSandboxStatus status) {
    LinuxContainerResources r = status.resources().orElseThrow();
    return status.withResources(
        status.overhead(), Optional.of(r.toBuilder().cpuShares(r.cpuShares() + 1).build()));
  }

  @Override
  PodSandboxStatus transientChange(PodSandboxStatus status) {
    return status.withPending(PendingOperation.REMOVING);
  }

  @Override
  PodSandboxStatus refusedChange(PodSandboxStatus status) {
    return status.withState(PodSandboxState.READY);
  }

  @Override
  Path kindDir() {
    return layout.podsDir();
  }

  @Override
  String fileName() {
    return "pod.json";
  }

  @Override
  byte[] encode(PodSandbox value) {
    return JsonCodec.POD_SANDBOX.encode(value);
  }

  @Test
  void stopIsPersistedAndStopAgainIsRefused() {
    PodSandboxStore s = new PodSandboxStore(layout);
    s.load();
    String id = Ids.random();
    s.add(Fixtures.pod(id, "web", 5));
    s.update(id, st -> st.withState(PodSandboxState.NOTREADY));
    PodSandboxStore again = new PodSandboxStore(layout);
    again.load();
    assertThat(again.get(id).state()).isEqualTo(PodSandboxState.NOTREADY);
    assertThat(layout.podFile(id)).exists();
  }
}
