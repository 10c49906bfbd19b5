package io.tessera.sandbox.store;

import java.util.List;

/**
 * What a store's start-up load found.
 *
 * @param loaded how many objects loaded; they are in the store now
 * @param problems entries that did not load, in directory-name order
 */
public record LoadReport(int loaded, List<LoadProblem> problems) {
  public LoadReport {
    problems = List.copyOf(problems);
  }
}
