package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.streamsmarts.udf.model.Model;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** What is inside the jar that goes to ksqlDB's ext/ directory, and that it runs as a command. */
class ShadedJarIT {

  private static final String OURS = "io/github/streamsmarts/udf/";

  private static Path jar() {
    return Path.of(System.getProperty("udf.jar", "target/stream-smarts-udf.jar"));
  }

  private static List<String> entries() throws Exception {
    try (JarFile jar = new JarFile(jar().toFile())) {
      final List<String> names = new ArrayList<>();
      for (final ZipEntry entry : Collections.list(jar.entries())) {
        names.add(entry.getName());
      }
      return names;
    }
  }

  @Test
  void noKsqlDbOrKafkaClassesAndNoStandInApi() throws Exception {
    for (final String name : entries()) {
      assertTrue(!name.startsWith("io/confluent/"), name);
      assertTrue(!name.startsWith("org/apache/kafka/"), name);
      assertTrue(!name.contains("/io/confluent/") && !name.contains("/org/apache/kafka/"), name);
    }
  }

  @Test
  void everyClassIsUnderTheProjectPackage() throws Exception {
    for (final String name : entries()) {
      if (name.endsWith(".class") && !name.startsWith("META-INF/versions/")) {
        assertTrue(name.startsWith(OURS), "not relocated: " + name);
      }
    }
  }

  @Test
  void genmodelIsRelocated() throws Exception {
    final List<String> names = entries();
    assertTrue(names.contains(OURS + "shaded/hex/genmodel/easy/EasyPredictModelWrapper.class"));
    assertTrue(names.contains(OURS + "shaded/hex/genmodel/algos/gbm/GbmMojoModel.class"));
    assertTrue(names.stream().anyMatch(n -> n.startsWith(OURS + "shaded/water/")));
    assertTrue(names.stream().noneMatch(n -> n.startsWith("hex/") || n.startsWith("water/")));
    for (final String name : names) {
      if (name.startsWith("META-INF/services/") && !name.endsWith("/")) {
        assertTrue(name.startsWith("META-INF/services/io.github.streamsmarts.udf.shaded."), name);
      }
    }
  }

  /** DESCRIBE FUNCTION's version must name the model the jar carries, or say it carries none. */
  @Test
  void versionNamesTheEmbeddedModel() throws Exception {
    final String version = runJar("version").trim();
    try (JarFile jar = new JarFile(jar().toFile())) {
      final ZipEntry envelope = jar.getEntry(OURS + "embedded-model/envelope.json");
      if (envelope == null) {
        assertTrue(version.endsWith("+model.none"), version);
      } else {
        final String hash = JsonParser.parseString(new String(
            jar.getInputStream(envelope).readAllBytes(), StandardCharsets.UTF_8))
            .getAsJsonObject().get("contentHash").getAsString();
        assertTrue(version.endsWith("+model." + hash.substring(0, 12)), version);
      }
    }
  }

  @Test
  void manifestRunsTheCommand() throws Exception {
    try (JarFile jar = new JarFile(jar().toFile())) {
      assertEquals("io.github.streamsmarts.udf.cli.Main",
          jar.getManifest().getMainAttributes().getValue("Main-Class"));
    }
  }

  /**
   * What `stream-smarts train` runs: the printed tables are exactly those the UDF classes compute
   * in this JVM (the relocated genmodel predicts as genmodel does), and H2O's own predictions,
   * which the training script wrote into the fixture's envelope.json, for a model of two day types
   * and one of one.
   */
  @Test
  void javaDashJarEnvelopeMatchesTheTrainedEnvelope() throws Exception {
    for (final Path dir : new Path[] {Fixture.modelDir(), Fixture.winterDir()}) {
      final JsonObject printed = JsonParser.parseString(
          runJar("envelope", "--model", dir.toString())).getAsJsonObject();
      final Model model = dir.equals(Fixture.modelDir()) ? Fixture.reference() : Fixture.winter();
      assertEquals(io.github.streamsmarts.udf.cli.EnvelopeJson.of(model.bands()), printed,
          dir + ": the jar's tables are the UDF's");
      final JsonObject trained = JsonParser.parseString(
          Files.readString(dir.resolve("envelope.json"))).getAsJsonObject();
      near(trained.get("bands"), printed.get("bands"), dir + " bands");
      for (final String table : new String[] {"cells", "hours"}) {
        near(trained.get(table), printed.get(table), dir + " " + table);
      }
    }
  }

  /** The same JSON structure, numbers within a millionth (or a nanowatt: a 0 W band). */
  private static void near(final JsonElement want, final JsonElement have, final String where) {
    if (want.isJsonObject()) {
      assertEquals(want.getAsJsonObject().keySet(), have.getAsJsonObject().keySet(), where);
      for (final String key : want.getAsJsonObject().keySet()) {
        near(want.getAsJsonObject().get(key), have.getAsJsonObject().get(key), where + "." + key);
      }
    } else if (want.isJsonArray()) {
      final JsonArray a = want.getAsJsonArray();
      final JsonArray b = have.getAsJsonArray();
      assertEquals(a.size(), b.size(), where);
      for (int i = 0; i < a.size(); i++) {
        near(a.get(i), b.get(i), where + "[" + i + "]");
      }
    } else {
      final double expected = want.getAsDouble();
      assertEquals(expected, have.getAsDouble(), Math.max(Math.abs(expected) * 1e-6, 1e-9),
          where);
    }
  }

  @Test
  void javaDashJarScores() throws Exception {
    final String dir = Fixture.modelDir().toString();
    assertTrue(Double.parseDouble(runJar("score", "--model", dir, "--minute", "270",
        "--floor-15m", "2150", "--floor-1h", "2150", "--floor-3h", "2150", "--mean-24h", "520")
        .trim()) > 1);
    final String ten = runJar("score", "--model", dir, "--day", "6", "--minute", "270",
        "--floor-15m", "150", "--step-45m", "2000", "--mean-24h", "520").trim();
    assertEquals(io.github.streamsmarts.udf.model.Scores.score(Fixture.reference().bands(), 6, 270,
        150.0, null, null, null, 2000.0, null, null, 520.0).toString(), ten);
    assertTrue(Double.parseDouble(ten) > 1, ten);
    assertEquals("null", runJar("score", "--model", dir, "--day", "0", "--minute", "270",
        "--floor-15m", "2150").trim());
  }

  /** The server's slf4j (bound to its log4j) is used, never a copy in the jar. */
  @Test
  void noLoggingLibraryInside() throws Exception {
    for (final String name : entries()) {
      assertTrue(!name.contains("org/slf4j/") && !name.contains("org/apache/logging/"), name);
    }
  }

  private static String runJar(final String... args) throws Exception {
    final List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar().toString());
    Collections.addAll(command, args);
    final Path err = Files.createTempFile("udf-jar", ".err");
    final Process process = new ProcessBuilder(command)
        .redirectError(err.toFile()).redirectInput(new File("/dev/null")).start();
    final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "java -jar timed out");
    assertEquals(0, process.exitValue(), Files.readString(err));
    Files.delete(err);
    return out;
  }
}
