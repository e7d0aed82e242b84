package io.github.streamsmarts.udf.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The model a function scores with right now: a volatile reference to an immutable {@link Model},
 * so a new model is swapped in by one write and a scoring thread never waits for anything.
 *
 * <p>A model from a directory can be checked for a replacement ({@link #check}), by the shared
 * {@link ModelWatcher} thread every interval ({@link #watchEvery}). A check is two file stats; only
 * when envelope.json or bands.zip changed does it read envelope.json, and only when that names a
 * model other than the one scoring does it load and validate the new model — all on the checking
 * thread. A model that fails to load is logged once and the old one keeps scoring. This tolerates
 * a directory being rewritten under it: {@code stream-smarts deploy --model-only} renames each file
 * into place and writes envelope.json last, and a mixed state fails the contentHash check and is
 * retried when the files change again.
 */
public final class LiveModel {

  private volatile Model model;

  private final Path dir;
  private final Function<ModelSource, Model> loader;

  /** Guards {@link #check}; never taken by scoring. */
  private final Object checking = new Object();
  /** Guards the timer; separate, so configuring a query never waits for a slow load. */
  private final Object scheduling = new Object();
  private Fingerprint seen;
  private volatile String lastProblem;
  private final AtomicLong checks = new AtomicLong();
  private ScheduledFuture<?> timer;
  private long intervalMs;

  private LiveModel(final Model model, final Path dir, final Function<ModelSource, Model> loader,
      final Fingerprint seen) {
    this.model = model;
    this.dir = dir;
    this.loader = loader;
    this.seen = seen;
  }

  /** A model that never changes (the one embedded in the jar). */
  public static LiveModel fixed(final Model model) {
    return new LiveModel(Objects.requireNonNull(model), null, null, null);
  }

  /**
   * Loads the directory's model now, on the calling thread (a broken model fails here, with the
   * loader's message), and remembers the files' state so that {@link #check} sees a change.
   * {@code loader} is {@link Model#load} but for tests that need to hold a load up.
   */
  public static LiveModel directory(final Path dir, final Function<ModelSource, Model> loader) {
    // The state is taken before reading, so a change made during this load is seen by the
    // first check instead of being mistaken for the files just loaded.
    final Fingerprint before = Fingerprint.of(dir);
    return new LiveModel(loader.apply(ModelSource.directory(dir)), dir, loader, before);
  }

  /** The model scoring now. Never null; one volatile read. */
  public Model current() {
    return model;
  }

  /** The directory this model is watched in, or null for a fixed model. */
  public Path directory() {
    return dir;
  }

  /** How many checks have completed (for tests and diagnostics). */
  public long checks() {
    return checks.get();
  }

  /** Why the last candidate model was refused, or null when the last change was loaded. */
  public String lastProblem() {
    return lastProblem;
  }

  /**
   * Checks the directory every {@code ms} milliseconds on the shared watcher thread. Asked again,
   * the shortest interval asked for wins. Does nothing for a fixed model or {@code ms <= 0}.
   */
  public void watchEvery(final long ms) {
    if (dir == null || ms <= 0) {
      return;
    }
    synchronized (scheduling) {
      if (timer != null && intervalMs <= ms) {
        return;
      }
      if (timer != null) {
        timer.cancel(false);
      }
      intervalMs = ms;
      timer = ModelWatcher.executor().scheduleWithFixedDelay(
          this::checkSafely, ms, ms, TimeUnit.MILLISECONDS);
    }
  }

  /** The current check interval in milliseconds, 0 when not watched. */
  public long intervalMs() {
    synchronized (scheduling) {
      return timer == null ? 0 : intervalMs;
    }
  }

  /** A timer task must not throw: a scheduled task that throws is never run again. */
  private void checkSafely() {
    try {
      check();
    } catch (final Throwable e) {
      lastProblem = "checking " + dir + " failed: " + e;
      WatchLog.problem(dir, model.contentHash(), lastProblem, e);
    }
  }

  /**
   * Looks at the directory once, on the calling thread: swaps in a changed, valid model and
   * returns true; keeps the current one and returns false otherwise (unchanged, unchanged hash,
   * or a broken candidate, which is logged and kept in {@link #lastProblem}).
   */
  public boolean check() {
    if (dir == null) {
      return false;
    }
    synchronized (checking) {
      try {
        return checkOnce();
      } finally {
        checks.incrementAndGet();
      }
    }
  }

  private boolean checkOnce() {
    final Fingerprint now = Fingerprint.of(dir);
    if (now.equals(seen)) {
      return false;
    }
    // Whatever happens next, these files have been looked at: a broken model is reported once,
    // and tried again only when the files change again.
    seen = now;
    final Model scoring = model;
    final ModelSource source = ModelSource.directory(dir);
    final String declared;
    try {
      declared = Model.declaredHash(source.read(ModelSource.ENVELOPE),
          source.describe(ModelSource.ENVELOPE));
    } catch (final ModelException e) {
      refuse(scoring, e.getMessage(), null);
      return false;
    }
    if (declared.equals(scoring.contentHash())) {
      // Touched, or bands.zip replaced before envelope.json: nothing new to score with yet.
      lastProblem = null;
      return false;
    }
    final Model next;
    try {
      next = loader.apply(source);
    } catch (final ModelException e) {
      refuse(scoring, e.getMessage(), null);
      return false;
    } catch (final RuntimeException | LinkageError e) {
      refuse(scoring, "loading " + dir + " failed: " + e, e);
      return false;
    }
    model = next;
    lastProblem = null;
    WatchLog.swapped(dir, scoring.contentHash(), next.contentHash());
    return true;
  }

  private void refuse(final Model scoring, final String problem, final Throwable cause) {
    lastProblem = problem;
    WatchLog.problem(dir, scoring.contentHash(), problem, cause);
  }

  /** What a check compares: size, modification time and file identity of the two files. */
  private record Fingerprint(FileState envelope, FileState bands) {
    static Fingerprint of(final Path dir) {
      return new Fingerprint(FileState.of(dir.resolve(ModelSource.ENVELOPE)),
          FileState.of(dir.resolve(ModelSource.BANDS)));
    }
  }

  /** A rename into place changes the file key (the inode) even when size and time match. */
  private record FileState(boolean exists, long size, FileTime modified, Object key) {
    static FileState of(final Path file) {
      try {
        final BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return new FileState(true, a.size(), a.lastModifiedTime(), a.fileKey());
      } catch (final NoSuchFileException e) {
        return new FileState(false, 0, null, null);
      } catch (final IOException e) {
        // Unreadable: a state of its own, so the load that follows reports why.
        return new FileState(false, -1, null, e.getClass().getName());
      }
    }
  }
}
