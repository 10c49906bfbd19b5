package io.tessera.storage.snapshot;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.mount.MountSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Chooses how an overlay is described: with absolute layer paths while they fit comfortably in
 * mount(2)'s one page of data, otherwise with short layer links relative to a working directory (as
 * containers/storage does), because deep images with long store paths overflow the page.
 */
final class OverlayMounts {

  /**
   * mount(2) copies one page of options; 4 KiB is the smallest page Tessera runs on. The 512 bytes
   * of head room leave space for options a caller may add (e.g. a label) before mounting.
   */
  static final int PAGE_BYTES = 4096;

  static final int ABSOLUTE_LIMIT = PAGE_BYTES - 512;

  /** The data must fit in the page with its terminating NUL. */
  static final int HARD_LIMIT = PAGE_BYTES - 1;

  /** A mount description and the directory its relative paths resolve against. */
  record Plan(MountSpec mount, Optional<Path> workingDir) {}

  private OverlayMounts() {}

  /**
   * @param lowersBottomFirst absolute layer directories, base layer first
   * @param linkDir the working directory for the short form
   * @param shortLink a layer directory's link, relative to {@code linkDir} (e.g. {@code l/ab12..})
   * @throws InvalidArgumentException if even the short form exceeds one page
   */
  static Plan plan(
      List<Path> lowersBottomFirst,
      Path upper,
      Path work,
      Path linkDir,
      Function<Path, Path> shortLink) {
    List<Path> topFirst = new ArrayList<>(lowersBottomFirst);
    Collections.reverse(topFirst);
    MountSpec absolute = MountSpec.overlay(topFirst, upper, work);
    if (dataBytes(absolute) <= ABSOLUTE_LIMIT) {
      return new Plan(absolute, Optional.empty());
    }
    List<Path> links = topFirst.stream().map(shortLink).toList();
    MountSpec relative = MountSpec.overlay(links, upper, work);
    int bytes = dataBytes(relative);
    if (bytes > HARD_LIMIT) {
      throw new InvalidArgumentException(
          "overlay of "
              + topFirst.size()
              + " layers with upper "
              + upper
              + ": even with short layer links its mount data is "
              + bytes
              + " bytes, mount(2) takes at most "
              + HARD_LIMIT);
    }
    return new Plan(relative, Optional.of(linkDir));
  }

  /** Every overlay option is file system data, joined by commas as mount(2) receives them. */
  static int dataBytes(MountSpec spec) {
    return String.join(",", spec.options()).getBytes(StandardCharsets.UTF_8).length;
  }
}
