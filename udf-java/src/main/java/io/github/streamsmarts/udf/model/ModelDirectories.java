package io.github.streamsmarts.udf.model;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Models named by the {@code model.path} function config, loaded once per directory per JVM:
 * ksqlDB makes a new UDF instance, and configures it, for every query that uses the function.
 */
public final class ModelDirectories {

  private static final ConcurrentMap<Path, Model> LOADED = new ConcurrentHashMap<>();

  private ModelDirectories() {
  }

  /** A failed load is not remembered, so fixing the directory and re-running the query works. */
  public static Model load(final Path dir) {
    final Path key = dir.toAbsolutePath().normalize();
    return LOADED.computeIfAbsent(key, d -> Model.load(ModelSource.directory(d)));
  }
}
