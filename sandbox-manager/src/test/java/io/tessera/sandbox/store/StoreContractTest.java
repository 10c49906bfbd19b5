package io.tessera.sandbox.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.AlreadyExistsException;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.sandbox.ids.Ids;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract both object stores keep, run against each through a small adapter. Subclasses say
 * how to make objects and status changes of their kind.
 */
abstract class StoreContractTest<T, S> {

  /** The common face of PodSandboxStore and ContainerStore. */
  interface Store<T, S> {
    LoadReport load();

    void add(T value);

    T get(String idOrPrefix);

    Optional<T> find(String id);

    Optional<String> tryResolve(String idOrPrefix);

    List<T> list();

    T update(String id, UnaryOperator<S> change);

    boolean delete(String id);

    void discard(LoadProblem problem);
  }

  @TempDir Path root;
  StoreLayout layout;

  abstract Store<T, S> open(StoreLayout layout);

  abstract T sample(String id, long createdAt);

  abstract S status(T value);

  /** The counter {@link #increment} bumps; a durable part of the status. */
  abstract long counter(S status);

  abstract S increment(S status);

  /** A change of only the transient parts. */
  abstract S transientChange(S status);

  /** A change the state machine refuses for {@link #sample}'s status. */
  abstract S refusedChange(S status);

  abstract Path kindDir();

  abstract String fileName();

  abstract byte[] encode(T value);

  @BeforeEach
  void setUp() {
    layout = new StoreLayout(root);
  }

  Store<T, S> loaded() {
    Store<T, S> s = open(layout);
    s.load();
    return s;
  }

  Path dir(String id) {
    return kindDir().resolve(id);
  }

  Path file(String id) {
    return dir(id).resolve(fileName());
  }

  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  // --- add / get

  @Test
  void addedObjectsAreFoundByIdAndUniquePrefix() {
    Store<T, S> s = loaded();
    String id = Ids.random();
    T value = sample(id, 10);
    s.add(value);
    assertThat(s.get(id)).isEqualTo(value);
    assertThat(s.get(id.substring(0, 12))).isEqualTo(value);
    assertThat(s.find(id)).contains(value);
    assertThat(s.find(id.substring(0, 12))).isEmpty();
    assertThat(s.tryResolve(id.substring(0, 5))).contains(id);
    assertThatThrownBy(() -> s.get(flip(id))).isInstanceOf(NotFoundException.class);
  }

  private static String flip(String id) {
    return (id.charAt(0) == '0' ? "1" : "0") + id.substring(1);
  }

  @Test
  void ambiguousPrefixIsRefused() {
    Store<T, S> s = loaded();
    String a = "ab" + "0".repeat(62);
    String b = "ab" + "1".repeat(62);
    s.add(sample(a, 1));
    s.add(sample(b, 2));
    assertThatThrownBy(() -> s.get("ab")).isInstanceOf(InvalidArgumentException.class);
    assertThat(s.tryResolve("ab")).isEmpty();
    assertThat(s.get("ab0")).isEqualTo(sample(a, 1));
  }

  @Test
  void addWritesOneVersionedFileInTheLayoutAndNothingElse() throws IOException {
    Store<T, S> s = loaded();
    String id = Ids.random();
    T value = sample(id, 10);
    s.add(value);
    assertThat(names(kindDir())).containsExactly(id);
    assertThat(names(dir(id))).containsExactly(fileName());
    assertThat(Files.readAllBytes(file(id))).isEqualTo(encode(value));
    assertThat(Files.readString(file(id), UTF_8)).contains("\"version\" : 1");
  }

  @Test
  void addIntoADirectoryTheServiceMadeKeepsItsFiles() throws IOException {
    Store<T, S> s = loaded();
    String id = Ids.random();
    Files.createDirectories(dir(id));
    Files.writeString(dir(id).resolve("config.json"), "{}");
    s.add(sample(id, 10));
    assertThat(names(dir(id))).containsExactly("config.json", fileName());
  }

  @Test
  void addingATakenIdIsRefused() {
    Store<T, S> s = loaded();
    String id = Ids.random();
    s.add(sample(id, 10));
    assertThatThrownBy(() -> s.add(sample(id, 20)))
        .isInstanceOf(AlreadyExistsException.class)
        .hasMessageContaining(id);
    assertThat(s.get(id)).isEqualTo(sample(id, 10));
  }

  @Test
  void aFailedAddStoresNothing() throws IOException {
    Store<T, S> s = loaded();
    String id = Ids.random();
    Files.writeString(dir(id), "a file where the directory should be");
    assertThatThrownBy(() -> s.add(sample(id, 10))).isInstanceOf(InternalException.class);
    assertThat(s.find(id)).isEmpty();
    assertThat(s.list()).isEmpty();
    assertThat(names(kindDir())).containsExactly(id);
  }

  @Test
  void listIsOldestFirst() {
    Store<T, S> s = loaded();
    String a = Ids.random();
    String b = Ids.random();
    String c = Ids.random();
    s.add(sample(a, 30));
    s.add(sample(b, 10));
    s.add(sample(c, 20));
    assertThat(s.list()).containsExactly(sample(b, 10), sample(c, 20), sample(a, 30));
  }

  @Test
  void objectsSurviveAReopen() {
    Store<T, S> s = loaded();
    String a = Ids.random();
    String b = Ids.random();
    s.add(sample(a, 1));
    s.add(sample(b, 2));
    Store<T, S> again = open(layout);
    LoadReport report = again.load();
    assertThat(report.loaded()).isEqualTo(2);
    assertThat(report.problems()).isEmpty();
    assertThat(again.list()).containsExactly(sample(a, 1), sample(b, 2));
    assertThat(again.get(a.substring(0, 10))).isEqualTo(sample(a, 1));
  }

  @Test
  void loadIsOnceAndFirst() {
    Store<T, S> s = loaded();
    assertThatThrownBy(s::load).isInstanceOf(FailedPreconditionException.class);
    Store<T, S> used = open(layout);
    used.add(sample(Ids.random(), 1));
    assertThatThrownBy(used::load).isInstanceOf(FailedPreconditionException.class);
  }

  @Test
  void loadOfAnEmptyRootMakesTheKindDirectory() {
    LoadReport report = open(layout).load();
    assertThat(report.loaded()).isZero();
    assertThat(report.problems()).isEmpty();
    assertThat(kindDir()).isDirectory();
  }

  // --- update

  @Test
  void updateReplacesTheStatusOnDiskThenInMemory() {
    Store<T, S> s = loaded();
    String id = Ids.random();
    s.add(sample(id, 1));
    long before = counter(status(s.get(id)));
    T updated = s.update(id, this::increment);
    assertThat(counter(status(updated))).isEqualTo(before + 1);
    assertThat(s.get(id)).isEqualTo(updated);
    Store<T, S> again = open(layout);
    again.load();
    assertThat(again.get(id)).isEqualTo(updated);
  }

  @Test
  void aRefusedChangeChangesNothing() throws IOException {
    Store<T, S> s = loaded();
    String id = Ids.random();
    T value = sample(id, 1);
    s.add(value);
    byte[] onDisk = Files.readAllBytes(file(id));
    assertThatThrownBy(() -> s.update(id, this::refusedChange))
        .isInstanceOf(FailedPreconditionException.class);
    assertThat(s.get(id)).isEqualTo(value);
    assertThat(Files.readAllBytes(file(id))).isEqualTo(onDisk);
  }

  @Test
  void transientChangesAreKeptInMemoryButNeverWritten() throws IOException {
    Store<T, S> s = loaded();
    String id = Ids.random();
    s.add(sample(id, 1));
    byte[] onDisk = Files.readAllBytes(file(id));
    T pending = s.update(id, this::transientChange);
    assertThat(status(s.get(id))).isEqualTo(status(pending)).isNotEqualTo(status(sample(id, 1)));
    assertThat(Files.readAllBytes(file(id))).isEqualTo(onDisk);
    T both = s.update(id, this::increment);
    Store<T, S> again = open(layout);
    again.load();
    assertThat(status(again.get(id))).isNotEqualTo(status(both));
    assertThat(counter(status(again.get(id)))).isEqualTo(counter(status(both)));
  }

  @Test
  void aFailedWriteLeavesTheOldStatus() throws IOException {
    Store<T, S> s = loaded();
    String id = Ids.random();
    T value = sample(id, 1);
    s.add(value);
    Path aside = root.resolve("aside");
    Files.move(dir(id), aside);
    assertThatThrownBy(() -> s.update(id, this::increment))
        .isInstanceOf(InternalException.class)
        .hasMessageContaining(id);
    assertThat(s.get(id)).isEqualTo(value);
  }

  @Test
  void updateOfAnUnknownIdIsNotFound() {
    Store<T, S> s = loaded();
    assertThatThrownBy(() -> s.update(Ids.random(), this::increment))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void updateWantsTheFullId() {
    Store<T, S> s = loaded();
    String id = Ids.random();
    s.add(sample(id, 1));
    assertThatThrownBy(() -> s.update(id.substring(0, 10), this::increment))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void concurrentUpdatesOfOneObjectAreSerialised() throws Exception {
    Store<T, S> s = loaded();
    String id = Ids.random();
    s.add(sample(id, 1));
    long start = counter(status(s.get(id)));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        done.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int i = 0; i < 25; i++) {
                    s.update(id, this::increment);
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(counter(status(s.get(id)))).isEqualTo(start + 200);
    Store<T, S> again = open(layout);
    again.load();
    assertThat(counter(status(again.get(id)))).isEqualTo(start + 200);
  }

  // --- delete

  @Test
  void deleteRemovesTheWholeDirectoryAndIsIdempotent() throws IOException {
    Store<T, S> s = loaded();
    String id = Ids.random();
    String other = Ids.random();
    s.add(sample(id, 1));
    s.add(sample(other, 2));
    Files.createDirectories(dir(id).resolve("rootfs/etc"));
    Files.writeString(dir(id).resolve("rootfs/etc/hosts"), "x");
    Files.createSymbolicLink(dir(id).resolve("link"), root.resolve("outside"));
    Files.writeString(root.resolve("outside"), "must survive");
    assertThat(s.delete(id)).isTrue();
    assertThat(s.delete(id)).isFalse();
    assertThatThrownBy(() -> s.get(id)).isInstanceOf(NotFoundException.class);
    assertThat(s.find(id)).isEmpty();
    assertThat(s.tryResolve(id)).isEmpty();
    assertThat(names(kindDir())).containsExactly(other);
    assertThat(root.resolve("outside")).hasContent("must survive");
    assertThatThrownBy(() -> s.update(id, this::increment)).isInstanceOf(NotFoundException.class);
    Store<T, S> again = open(layout);
    assertThat(again.load().loaded()).isEqualTo(1);
    assertThat(again.list()).containsExactly(sample(other, 2));
  }

  @Test
  void deleteOfAnUnknownIdIsFalse() {
    assertThat(loaded().delete(Ids.random())).isFalse();
  }

  // --- load problems

  private Store<T, S> withTwoGood(String a, String b) {
    Store<T, S> s = loaded();
    s.add(sample(a, 1));
    s.add(sample(b, 2));
    return s;
  }

  private LoadReport reload() {
    return open(layout).load();
  }

  private LoadProblem onlyProblem(LoadReport report) {
    assertThat(report.problems()).hasSize(1);
    return report.problems().get(0);
  }

  @Test
  void aCorruptFileIsReportedAndTheRestLoads() throws IOException {
    String a = Ids.random();
    String b = Ids.random();
    String bad = Ids.random();
    withTwoGood(a, b);
    Files.createDirectories(dir(bad));
    Files.writeString(file(bad), "{\"version\" : 1, \"id\" : ");
    Store<T, S> s = open(layout);
    LoadReport report = s.load();
    assertThat(report.loaded()).isEqualTo(2);
    LoadProblem p = onlyProblem(report);
    assertThat(p.reason()).isEqualTo(LoadProblem.Reason.CORRUPT);
    assertThat(p.id()).contains(bad);
    assertThat(p.path()).isEqualTo(dir(bad));
    assertThat(p.detail()).contains(fileName());
    assertThat(s.find(bad)).isEmpty();
    assertThat(s.list()).containsExactly(sample(a, 1), sample(b, 2));
    assertThat(file(bad)).exists();
  }

  @Test
  void anUnknownVersionIsReportedAsSuch() throws IOException {
    String id = Ids.random();
    loaded().add(sample(id, 1));
    String text = Files.readString(file(id), UTF_8).replace("\"version\" : 1", "\"version\" : 7");
    Files.writeString(file(id), text);
    LoadProblem p = onlyProblem(reload());
    assertThat(p.reason()).isEqualTo(LoadProblem.Reason.UNKNOWN_VERSION);
    assertThat(p.id()).contains(id);
    assertThat(p.detail()).contains("version 7");
  }

  @Test
  void aDirectoryWithoutItsFileIsReportedMissing() throws IOException {
    String id = Ids.random();
    Files.createDirectories(dir(id));
    Files.writeString(dir(id).resolve("config.json"), "{}");
    LoadProblem p = onlyProblem(reload());
    assertThat(p.reason()).isEqualTo(LoadProblem.Reason.MISSING);
    assertThat(p.id()).contains(id);
  }

  @Test
  void aTempFileLeftByACrashedWriteIsRemovedAndTheObjectLoads() throws IOException {
    String id = Ids.random();
    loaded().add(sample(id, 1));
    Path temp = dir(id).resolve("." + fileName() + ".tmp-0b1c");
    Files.writeString(temp, "{\"version\" : 1, \"half");
    Path foreignTemp = dir(id).resolve(".config.json.tmp-1234");
    Files.writeString(foreignTemp, "not ours");
    Store<T, S> s = open(layout);
    LoadReport report = s.load();
    assertThat(report.problems()).isEmpty();
    assertThat(report.loaded()).isEqualTo(1);
    assertThat(s.get(id)).isEqualTo(sample(id, 1));
    assertThat(temp).doesNotExist();
    assertThat(foreignTemp).exists();
  }

  @Test
  void aTempFileWithoutTheRealFileIsAMissingObject() throws IOException {
    String id = Ids.random();
    Files.createDirectories(dir(id));
    Path temp = dir(id).resolve("." + fileName() + ".tmp-0b1c");
    Files.write(temp, encode(sample(id, 1)));
    LoadProblem p = onlyProblem(reload());
    assertThat(p.reason()).isEqualTo(LoadProblem.Reason.MISSING);
    assertThat(temp).doesNotExist();
  }

  @Test
  void halfBuiltAndHalfDeletedDirectoriesAreFinishedSilently() throws IOException {
    String id = Ids.random();
    Path building = kindDir().resolve(".tmp-" + id + "-1234");
    Path trash = kindDir().resolve(".del-" + id + "-5678");
    Files.createDirectories(building);
    Files.write(building.resolve(fileName()), encode(sample(id, 1)));
    Files.createDirectories(trash.resolve("rootfs/bin"));
    Files.writeString(trash.resolve("rootfs/bin/sh"), "x");
    LoadReport report = reload();
    assertThat(report.problems()).isEmpty();
    assertThat(report.loaded()).isZero();
    assertThat(names(kindDir())).isEmpty();
  }

  @Test
  void foreignEntriesAreReportedAndLeftAlone() throws IOException {
    Files.createDirectories(kindDir().resolve("lost+found"));
    Files.writeString(kindDir().resolve("notes.txt"), "hello");
    Files.writeString(kindDir().resolve(Ids.random()), "a file named like an id");
    LoadReport report = reload();
    assertThat(report.problems())
        .extracting(LoadProblem::reason)
        .containsOnly(LoadProblem.Reason.FOREIGN);
    assertThat(report.problems()).hasSize(3);
    assertThat(names(kindDir())).hasSize(3);
  }

  @Test
  void aFileNamingAnotherIdIsCorrupt() throws IOException {
    String id = Ids.random();
    String other = Ids.random();
    Files.createDirectories(dir(id));
    Files.write(file(id), encode(sample(other, 1)));
    LoadProblem p = onlyProblem(reload());
    assertThat(p.reason()).isEqualTo(LoadProblem.Reason.CORRUPT);
    assertThat(p.detail()).contains(other);
  }

  @Test
  void anUnreadableFileIsReported() throws IOException {
    String id = Ids.random();
    Files.createDirectories(file(id));
    LoadProblem p = onlyProblem(reload());
    assertThat(p.reason()).isEqualTo(LoadProblem.Reason.UNREADABLE);
    assertThat(p.id()).contains(id);
  }

  @Test
  void discardRemovesAReportedEntryOnly() throws IOException {
    String good = Ids.random();
    String bad = Ids.random();
    loaded().add(sample(good, 1));
    Files.createDirectories(dir(bad).resolve("rootfs"));
    Files.writeString(file(bad), "garbage");
    Store<T, S> s = open(layout);
    LoadProblem p = onlyProblem(s.load());
    s.discard(p);
    assertThat(names(kindDir())).containsExactly(good);
    LoadProblem aboutLoaded =
        new LoadProblem(dir(good), Optional.of(good), LoadProblem.Reason.CORRUPT, "made up");
    assertThatThrownBy(() -> s.discard(aboutLoaded)).isInstanceOf(InvalidArgumentException.class);
    LoadProblem elsewhere =
        new LoadProblem(root, Optional.empty(), LoadProblem.Reason.FOREIGN, "made up");
    assertThatThrownBy(() -> s.discard(elsewhere)).isInstanceOf(InvalidArgumentException.class);
    assertThat(root).isDirectory();
  }

  @Test
  void problemsComeInNameOrder() throws IOException {
    String a = "1" + "0".repeat(63);
    String b = "2" + "0".repeat(63);
    Files.createDirectories(dir(b));
    Files.createDirectories(dir(a));
    assertThat(reload().problems()).extracting(LoadProblem::path).containsExactly(dir(a), dir(b));
  }
}
