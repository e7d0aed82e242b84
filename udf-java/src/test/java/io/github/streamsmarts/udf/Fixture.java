package io.github.streamsmarts.udf;

import io.github.streamsmarts.udf.model.Model;
import io.github.streamsmarts.udf.model.ModelDirectories;
import io.github.streamsmarts.udf.model.ModelSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * The test models (src/test/fixtures/train_reference_model.py, committed output in
 * src/test/resources/models and .../mojos) and the 2018 figures.
 */
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

  private static Path resources(final String property, final String dir) {
    final String fromBuild = System.getProperty(property);
    return (fromBuild != null ? Path.of(fromBuild) : Path.of("src", "test", "resources", dir))
        .toAbsolutePath();
  }

  /**
   * The reference model: two day types, kwh bands = the 2018 envelope, plausible high measures
   * and 24-h mean (weekdays and weekends differ).
   */
  public static Path modelDir() {
    return resources("fixture.models", "models").resolve("reference");
  }

  /**
   * A second valid model, one day type: the reference house's weekdays 30 % higher, what the
   * hot-swap tests swap in.
   */
  public static Path winterDir() {
    return resources("fixture.models", "models").resolve("winter");
  }

  /** A MOJO the UDF must refuse (mojos/*.zip; see the training script). */
  public static Path mojo(final String name) {
    return resources("fixture.mojos", "mojos").resolve(name);
  }

  /**
   * The reference model, loaded once per test JVM: the same live model every UDF configured with
   * {@link #modelDir()} scores with (ModelDirectories), because a load predicts 48,960 values
   * with genmodel (34 bands at 1440 minutes).
   */
  public static Model reference() {
    return ModelDirectories.load(modelDir());
  }

  /** The winter model, loaded once per test JVM (see {@link #reference()}). */
  public static Model winter() {
    return ModelDirectories.load(winterDir());
  }

  /**
   * {@link Model#load} for tests that swap the fixture models back and forth: a load predicts
   * tens of thousands of values with genmodel, so for bytes identical to a fixture's, after the
   * same checks Model.load makes first (format, declared hash = SHA-256 of bands.zip), this
   * returns the fixture's already loaded model; anything else really is loaded.
   */
  public static Model load(final ModelSource source) {
    if (source.has(ModelSource.BANDS) && source.has(ModelSource.ENVELOPE)) {
      final String declared = Model.declaredHash(source.read(ModelSource.ENVELOPE),
          source.describe(ModelSource.ENVELOPE));
      final String actual = Model.contentHash(source.read(ModelSource.BANDS));
      for (final Model known : new Model[] {reference(), winter()}) {
        if (declared.equals(actual) && actual.equals(known.contentHash())) {
          return known;
        }
      }
    }
    return Model.load(source);
  }

  public static Path repoRoot() {
    final String fromBuild = System.getProperty("repo.root");
    return (fromBuild != null ? Path.of(fromBuild) : Path.of("..")).toAbsolutePath().normalize();
  }

  /** A writable copy of the reference model, for tests that break it. */
  public static Path copyModel(final Path into) throws Exception {
    return copyModel(modelDir(), into);
  }

  public static Path copyModel(final Path from, final Path into) throws Exception {
    Files.createDirectories(into);
    for (final String name : new String[] {"bands.zip", "envelope.json"}) {
      Files.copy(from.resolve(name), into.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
    return into;
  }

  /**
   * A model directory around a MOJO: bands.zip, and an envelope.json that declares its hash (the
   * fields the UDF reads), so a test reaches the MOJO's own checks.
   */
  public static Path modelAround(final byte[] mojo, final Path into) throws Exception {
    Files.createDirectories(into);
    Files.write(into.resolve("bands.zip"), mojo);
    Files.writeString(into.resolve("envelope.json"), envelopeFor(mojo), StandardCharsets.UTF_8);
    return into;
  }

  public static String envelopeFor(final byte[] mojo) {
    return "{\"format\": \"stream-smarts/bands@3\", \"modelId\": \"test\", \"contentHash\": \""
        + Model.contentHash(mojo) + "\", \"timezone\": \"UTC\", \"unit\": \"Wh/h\"}\n";
  }

  /**
   * Replaces the model in {@code dir} by {@code from}'s the way `deploy --model-only` does: each
   * file copied under a temporary name and renamed into place, envelope.json last.
   */
  public static void deploy(final Path from, final Path dir) throws Exception {
    for (final String name : new String[] {"bands.zip", "envelope.json"}) {
      replace(dir.resolve(name), Files.readAllBytes(from.resolve(name)));
    }
  }

  /** Writes a file under a temporary name, then renames it into place. */
  public static void replace(final Path file, final byte[] bytes) throws Exception {
    final Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.write(temp, bytes);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public static Map<String, Object> configFor(final String functionName, final Path modelDir) {
    return Map.of("ksql.functions." + functionName + ".model.path", modelDir.toString());
  }

  public static Map<String, Object> configFor(
      final String functionName, final Path modelDir, final long checkIntervalMs) {
    return Map.of("ksql.functions." + functionName + ".model.path", modelDir.toString(),
        "ksql.functions." + functionName + ".model.check.interval.ms",
        Long.toString(checkIntervalMs));
  }
}
