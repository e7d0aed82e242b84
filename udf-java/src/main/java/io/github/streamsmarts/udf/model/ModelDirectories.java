package io.github.streamsmarts.udf.model;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Models named by the {@code model.path} function config, one {@link LiveModel} per directory per
 * JVM: ksqlDB makes a new UDF instance, and configures it, for every query that uses the function,
 * and all of them share the directory's live model (and its one check on the watcher thread).
 */
public final class ModelDirectories {

  private static final ConcurrentMap<Path, LiveModel> LIVE = new ConcurrentHashMap<>();

  private ModelDirectories() {
  }

  /**
   * The directory's live model, loaded on first use on the calling thread (a broken model fails
   * here, and is not remembered, so fixing the directory and re-running the query works), then
   * checked every {@code checkIntervalMs} milliseconds ({@code <= 0}: never).
   */
  public static LiveModel watch(final Path dir, final long checkIntervalMs) {
    final Path key = dir.toAbsolutePath().normalize();
    final LiveModel live = LIVE.computeIfAbsent(key, d -> LiveModel.directory(d, Model::load));
    live.watchEvery(checkIntervalMs);
    return live;
  }

  /** The model the directory's live model scores with now (loading it if need be, unwatched). */
  public static Model load(final Path dir) {
    return watch(dir, 0).current();
  }
}
