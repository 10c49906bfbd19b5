package io.tessera.storage.content;

import io.tessera.storage.registry.BlobSink;
import java.io.IOException;

/**
 * Produces a blob's bytes for {@link ContentStore#ingest}, typically by downloading it with {@link
 * io.tessera.storage.registry.RegistryClient#fetchBlob}. It writes into the sink and may restart
 * it; the store verifies what ends up there.
 */
@FunctionalInterface
public interface BlobWriter {
  void write(BlobSink sink) throws IOException;
}
