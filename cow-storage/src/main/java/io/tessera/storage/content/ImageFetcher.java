package io.tessera.storage.content;

import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.errors.UnavailableException;
import io.tessera.storage.ref.ImageReference;
import io.tessera.storage.registry.Credentials;
import io.tessera.storage.registry.Descriptor;
import io.tessera.storage.registry.ManifestResponse;
import io.tessera.storage.registry.Platform;
import io.tessera.storage.registry.RegistriesConf;
import io.tessera.storage.registry.RegistryClient;
import io.tessera.storage.registry.RegistryEndpoint;
import io.tessera.storage.registry.ResolvedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls an image from its registry (or a mirror, per registries.conf) into a {@link ContentStore}:
 * resolves the reference to the manifest for a platform, downloads config and layers in parallel,
 * then stores the manifest and index.
 *
 * <p>Because the manifest is stored only after every blob it names, a stored manifest always has
 * its config and layers beside it. A failed fetch stores no manifest and leaves no partial file;
 * blobs it completed stay (they are valid, may be shared, and make a retry cheaper) until the image
 * store's garbage collection removes unreferenced ones. Downloads of one digest are shared between
 * concurrent fetches through the store's single-flight ingest.
 *
 * <p>Thread-safe: any number of fetches may run at once; each uses up to {@code parallelism}
 * threads of its own for the duration of the call.
 */
public final class ImageFetcher {

  private static final Logger LOG = LoggerFactory.getLogger(ImageFetcher.class);

  /** Layers downloaded at once per pull when not configured (containerd's default is 3 too). */
  public static final int DEFAULT_PARALLELISM = 3;

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final ContentStore store;
  private final RegistryClient client;
  private final RegistriesConf registries;
  private final int parallelism;

  /** A fetcher with {@link #DEFAULT_PARALLELISM}. */
  public ImageFetcher(ContentStore store, RegistryClient client, RegistriesConf registries) {
    this(store, client, registries, DEFAULT_PARALLELISM);
  }

  /**
   * @param parallelism how many blobs one fetch downloads at once (at least 1)
   */
  public ImageFetcher(
      ContentStore store, RegistryClient client, RegistriesConf registries, int parallelism) {
    if (parallelism < 1) {
      throw new InvalidArgumentException("image fetcher: parallelism must be >= 1");
    }
    this.store = store;
    this.client = client;
    this.registries = registries;
    this.parallelism = parallelism;
  }

  /**
   * Fetches {@code reference} for {@code platform} into the content store; idempotent (blobs
   * already stored are not downloaded again, though the manifest is always resolved afresh).
   *
   * @throws io.tessera.kernel.errors.NotFoundException when the image (or a manifest for the
   *     platform) does not exist
   * @throws io.tessera.kernel.errors.FailedPreconditionException when the registry refuses the
   *     credentials, a registries.conf rule blocks it, or content fails verification
   * @throws UnavailableException when the registry cannot be reached
   */
  public FetchedImage fetch(ImageReference reference, Credentials credentials, Platform platform) {
    String what = "pull " + reference;
    List<RegistryEndpoint> endpoints = registries.endpoints(reference);
    ResolvedImage resolved;
    try {
      resolved = client.resolve(endpoints, credentials, platform);
    } catch (TesseraException e) {
      throw TesseraException.sameKind(e, what + ": " + e.getMessage());
    }
    Descriptor config = resolved.parsed().config();
    List<Descriptor> layers = resolved.parsed().layers();

    // Layers may repeat within a manifest; each digest is fetched once.
    Map<String, Descriptor> blobs = new LinkedHashMap<>();
    blobs.put(config.digest().toString(), config);
    for (Descriptor layer : layers) {
      blobs.putIfAbsent(layer.digest().toString(), layer);
    }
    fetchBlobs(what, resolved, credentials, new ArrayList<>(blobs.values()));

    ManifestResponse manifest = resolved.manifest();
    store.write(manifest.digest(), manifest.content());
    Optional<Descriptor> index = resolved.index().map(ManifestResponse::descriptor);
    resolved.index().ifPresent(i -> store.write(i.digest(), i.content()));
    LOG.info(
        "{}: {} ({} layers) from {}",
        what,
        manifest.digest(),
        layers.size(),
        resolved.endpoints().get(0));
    return new FetchedImage(
        reference,
        resolved.repoDigest(),
        index,
        manifest.descriptor(),
        manifest.content(),
        config,
        layers);
  }

  private void fetchBlobs(
      String what, ResolvedImage resolved, Credentials credentials, List<Descriptor> blobs) {
    int threads = Math.min(parallelism, blobs.size());
    ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads());
    List<Future<?>> futures = new ArrayList<>();
    try {
      for (Descriptor blob : blobs) {
        futures.add(pool.submit(() -> fetchBlob(resolved, credentials, blob)));
      }
      TesseraException failure = null;
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (CancellationException e) {
          // cancelled after an earlier failure
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = asTessera(e.getCause());
            // Not started yet: no point. Running ones finish (another pull may share them).
            futures.forEach(other -> other.cancel(false));
          }
        }
      }
      if (failure != null) {
        throw TesseraException.sameKind(failure, what + ": " + failure.getMessage());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      futures.forEach(f -> f.cancel(true));
      throw new UnavailableException(what + ": interrupted", e);
    } finally {
      pool.shutdown();
      awaitQuietly(pool);
    }
  }

  private void fetchBlob(ResolvedImage resolved, Credentials credentials, Descriptor blob) {
    store.ingest(
        blob.digest(),
        blob.size(),
        sink ->
            client.fetchBlob(resolved.endpoints(), blob.digest(), blob.size(), credentials, sink));
  }

  /** Waits for running downloads to end so that none outlives the call. */
  private static void awaitQuietly(ExecutorService pool) {
    boolean interrupted = false;
    while (true) {
      try {
        if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
        pool.shutdownNow();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory daemonThreads() {
    return r -> {
      Thread t = new Thread(r, "tessera-pull-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static TesseraException asTessera(Throwable t) {
    if (t instanceof TesseraException te) {
      return te;
    }
    return new InternalException("unexpected failure: " + t, t);
  }
}
