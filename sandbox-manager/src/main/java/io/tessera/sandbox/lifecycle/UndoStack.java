package io.tessera.sandbox.lifecycle;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps a create has done, to be undone in reverse order when a later step fails, so that a
 * failed RunPodSandbox or CreateContainer leaves nothing behind. Not thread-safe: one per call.
 */
final class UndoStack {
  private static final Logger LOG = LoggerFactory.getLogger(UndoStack.class);

  private final String what;
  private final Deque<Runnable> steps = new ArrayDeque<>();

  UndoStack(String what) {
    this.what = what;
  }

  void push(Runnable undo) {
    steps.push(undo);
  }

  /** Runs every undo step, newest first; a failing step is logged and the rest still run. */
  void unwind() {
    while (!steps.isEmpty()) {
      try {
        steps.pop().run();
      } catch (RuntimeException e) {
        LOG.warn("{}: undo step failed: {}", what, e.getMessage());
      }
    }
  }
}
