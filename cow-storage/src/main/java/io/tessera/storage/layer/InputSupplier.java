package io.tessera.storage.layer;

import java.io.IOException;
import java.io.InputStream;

/**
 * Opens a fresh stream of a layer blob (compressed as stored) each time it is called. The caller of
 * {@link #open()} closes the stream.
 */
@FunctionalInterface
public interface InputSupplier {
  InputStream open() throws IOException;
}
