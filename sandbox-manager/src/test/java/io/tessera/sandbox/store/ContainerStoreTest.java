package io.tessera.sandbox.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.sandbox.ids.Ids;
import io.tessera.sandbox.model.Container;
import io.tessera.sandbox.model.ContainerState;
import io.tessera.sandbox.model.ContainerStatus;
import io.tessera.sandbox.model.Fixtures;
import io.tessera.sandbox.model.LinuxContainerResources;
import io.tessera.sandbox.model.PendingOperation;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ContainerStoreTest extends StoreContractTest<Container, ContainerStatus> {

  @Override
  Store<Container, ContainerStatus> open(StoreLayout layout) {
    ContainerStore s = new ContainerStore(layout);
    return new Store<>() {
      @Override
      public LoadReport load() {
        return s.load();
      }

      @Override
      public void add(Container value) {
        s.add(value);
      }

      @Override
      public Container get(String idOrPrefix) {
        return s.get(idOrPrefix);
      }

      @Override
      public Optional<Container> find(String id) {
        return s.find(id);
      }

      @Override
      public Optional<String> tryResolve(String idOrPrefix) {
        return s.tryResolve(idOrPrefix);
      }

      @Override
      public List<Container> list() {
        return s.list();
      }

      @Override
      public Container update(String id, UnaryOperator<ContainerStatus> change) {
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
  Container sample(String id, long createdAt) {
    return Fixtures.container(id, Fixtures.POD_ID, "app", createdAt);
  }

  @Override
  ContainerStatus status(Container value) {
    return value.status();
  }

  @Override
  long counter(ContainerStatus status) {
    return status.resources().orElseThrow().cpuShares();
  }

  @Override
  ContainerStatus increment(ContainerStatus status) {
    LinuxContainerResources r = status.resources().orElseThrow();
    return status.withResources(Optional.of(r.toBuilder().cpuShares(r.cpuShares() + 1).build()));
  }

  @Override
  ContainerStatus transientChange(ContainerStatus status) {
    return status.withPending(PendingOperation.REMOVING);
  }

  @Override
  ContainerStatus refusedChange(ContainerStatus status) {
    return status.withStarted(status.createdAt() + 1000, 1);
  }

  @Override
  Path kindDir() {
    return layout.containersDir();
  }

  @Override
  String fileName() {
    return "container.json";
  }

  @Override
  byte[] encode(Container value) {
    return JsonCodec.CONTAINER.encode(value);
  }

  @Test
  void aContainerLifeIsPersistedStepByStep() {
    ContainerStore s = new ContainerStore(layout);
    s.load();
    String id = Ids.random();
    s.add(Fixtures.minimalContainer(id, Fixtures.POD_ID));
    s.update(id, st -> st.withPending(PendingOperation.STARTING));
    s.update(id, st -> st.withStarted(10, 4242).withPending(PendingOperation.NONE));
    assertThat(reopened().get(id).state()).isEqualTo(ContainerState.RUNNING);
    assertThat(reopened().get(id).status().pid()).isEqualTo(4242);
    s.update(id, st -> st.withExited(20, 0, ContainerStatus.REASON_COMPLETED, ""));
    Container exited = reopened().get(id);
    assertThat(exited.state()).isEqualTo(ContainerState.EXITED);
    assertThat(exited.status().finishedAt()).isEqualTo(20);
    assertThat(exited.status().reason()).isEqualTo("Completed");
  }

  private ContainerStore reopened() {
    ContainerStore s = new ContainerStore(layout);
    s.load();
    return s;
  }

  @Test
  void listByPodSandboxSelectsByFullPodId() {
    ContainerStore s = new ContainerStore(layout);
    s.load();
    String pod1 = Ids.random();
    String pod2 = Ids.random();
    Container a = Fixtures.container(Ids.random(), pod1, "a", 2);
    Container b = Fixtures.container(Ids.random(), pod2, "b", 1);
    Container c = Fixtures.container(Ids.random(), pod1, "c", 1);
    s.add(a);
    s.add(b);
    s.add(c);
    assertThat(s.listByPodSandbox(pod1)).containsExactly(c, a);
    assertThat(s.listByPodSandbox(pod2)).containsExactly(b);
    assertThat(s.listByPodSandbox(pod1.substring(0, 8))).isEmpty();
  }
}
