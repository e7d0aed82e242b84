package io.github.streamsmarts.udf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/** The reference model (src/test/fixtures/train_reference_model.py) and the 2018 figures. */
public final class Fixture {

  /** The 2018 project's August envelope, Wh by hour 0..23: min, then max. Facts, typed in. */
  public static final double[] REFERENCE_MIN = {
      110, 112, 109, 114, 108, 110, 111, 108, 107, 111, 106, 107,
      108, 108, 109, 108, 108, 108, 114, 109, 108, 110, 107, 112};
  public static final double[] REFERENCE_MAX = {
      464, 346, 390, 361, 363, 348, 1954, 2689, 2607, 2120, 2032, 2272,
      1639, 1333, 1555, 1458, 2371, 2716, 3296, 3380, 3745, 3381, 2463, 566};

  private Fixture() {
  }

  public static Path modelDir() {
    final String fromBuild = System.getProperty("fixture.model");
    final Path dir = fromBuild != null ? Path.of(fromBuild)
        : Path.of("src", "test", "resources", "models", "reference");
    return dir.toAbsolutePath();
  }

  public static Path repoRoot() {
    final String fromBuild = System.getProperty("repo.root");
    return (fromBuild != null ? Path.of(fromBuild) : Path.of("..")).toAbsolutePath().normalize();
  }

  /** A writable copy of the fixture model, for tests that break it. */
  public static Path copyModel(final Path into) throws Exception {
    Files.createDirectories(into);
    for (final String name : new String[] {"lower.zip", "upper.zip", "envelope.json"}) {
      Files.copy(modelDir().resolve(name), into.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
    return into;
  }

  public static Map<String, Object> configFor(final String functionName, final Path modelDir) {
    return Map.of("ksql.functions." + functionName + ".model.path", modelDir.toString());
  }
}
