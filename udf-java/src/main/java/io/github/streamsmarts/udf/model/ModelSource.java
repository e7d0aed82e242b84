package io.github.streamsmarts.udf.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where a model directory's files (contracts/MODEL-FORMAT.md) are read from: a directory on disk,
 * or resources inside the UDF jar. Every failure names the file or resource, because a model
 * problem is found by whoever reads ksqlDB's log, far from the build that made the jar.
 */
public abstract class ModelSource {

  public static final String BANDS = "bands.zip";
  public static final String ENVELOPE = "envelope.json";
  /** The two MOJOs of the refused stream-smarts/envelope@1 format, recognised to say so. */
  public static final String LEGACY_LOWER = "lower.zip";
  public static final String LEGACY_UPPER = "upper.zip";

  /** Where the build puts the embedded model inside the jar. */
  public static final String EMBEDDED_PREFIX = "io/github/streamsmarts/udf/embedded-model/";

  public static ModelSource directory(final Path dir) {
    return new Directory(dir);
  }

  public static ModelSource resources(final ClassLoader loader, final String prefix) {
    return new Resources(loader, prefix);
  }

  /** The model embedded in the jar that holds this class. */
  public static ModelSource embedded() {
    return resources(ModelSource.class.getClassLoader(), EMBEDDED_PREFIX);
  }

  /** How a person finds this file: a path, or "resource x in the jar". */
  public abstract String describe(String file);

  public abstract boolean has(String file);

  /** The file's bytes; fails naming the file when it is absent or unreadable. */
  public abstract byte[] read(String file);

  private static final class Directory extends ModelSource {
    private final Path dir;

    Directory(final Path dir) {
      this.dir = dir;
    }

    @Override
    public String describe(final String file) {
      return dir.resolve(file).toString();
    }

    @Override
    public boolean has(final String file) {
      return Files.exists(dir.resolve(file));
    }

    @Override
    public byte[] read(final String file) {
      try {
        return Files.readAllBytes(dir.resolve(file));
      } catch (final NoSuchFileException e) {
        throw new ModelException("model file " + describe(file) + " does not exist", e);
      } catch (final IOException e) {
        throw new ModelException("cannot read model file " + describe(file) + ": " + e, e);
      }
    }
  }

  private static final class Resources extends ModelSource {
    private final ClassLoader loader;
    private final String prefix;

    Resources(final ClassLoader loader, final String prefix) {
      this.loader = loader;
      this.prefix = prefix;
    }

    @Override
    public String describe(final String file) {
      return "resource " + prefix + file + " in the UDF jar";
    }

    @Override
    public boolean has(final String file) {
      return loader.getResource(prefix + file) != null;
    }

    @Override
    public byte[] read(final String file) {
      try (InputStream in = loader.getResourceAsStream(prefix + file)) {
        if (in == null) {
          throw new ModelException(describe(file) + " does not exist: the jar was built without a"
              + " model (build it with -Dmodel.dir=DIR, or set the function's model.path config)");
        }
        return in.readAllBytes();
      } catch (final IOException e) {
        throw new ModelException("cannot read " + describe(file) + ": " + e, e);
      }
    }
  }
}
