package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.streamsmarts.udf.model.Model;
import io.github.streamsmarts.udf.model.ModelException;
import io.github.streamsmarts.udf.model.ModelSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model that cannot be used fails when it is loaded, with a message naming the file. */
class ModelLoadingTest {

  @TempDir
  Path temp;

  @Test
  void fixtureLoadsAndItsHashIsTheContentHash() throws Exception {
    final Model model = Model.load(ModelSource.directory(Fixture.modelDir()));
    final String json = Files.readString(Fixture.modelDir().resolve("envelope.json"));
    assertTrue(json.contains("\"contentHash\": \"" + model.contentHash() + "\""), json);
  }

  @Test
  void missingFileIsNamed() throws Exception {
    for (final String name : new String[] {"lower.zip", "upper.zip", "envelope.json"}) {
      final Path dir = Fixture.copyModel(temp.resolve("missing-" + name));
      Files.delete(dir.resolve(name));
      final ModelException e = assertThrows(ModelException.class,
          () -> Model.load(ModelSource.directory(dir)));
      assertTrue(e.getMessage().contains(dir.resolve(name).toString()), e.getMessage());
    }
  }

  @Test
  void missingDirectoryViaFunctionConfigIsNamed() {
    final Path nowhere = temp.resolve("no-such-model");
    final AnomolyPowerUdf udf = new AnomolyPowerUdf();
    final ModelException e = assertThrows(ModelException.class,
        () -> udf.configure(Fixture.configFor("anomoly_power", nowhere)));
    assertTrue(e.getMessage().contains(nowhere.toString()), e.getMessage());
  }

  @Test
  void corruptMojoIsNamed() throws Exception {
    final Path dir = Fixture.copyModel(temp.resolve("corrupt"));
    final byte[] junk = "not a zip".getBytes(StandardCharsets.UTF_8);
    Files.write(dir.resolve("upper.zip"), junk);
    rehash(dir);
    final ModelException e = assertThrows(ModelException.class,
        () -> Model.load(ModelSource.directory(dir)));
    assertTrue(e.getMessage().contains(dir.resolve("upper.zip").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("not a readable H2O MOJO"), e.getMessage());
  }

  @Test
  void truncatedMojoIsNamed() throws Exception {
    final Path dir = Fixture.copyModel(temp.resolve("truncated"));
    final byte[] lower = Files.readAllBytes(dir.resolve("lower.zip"));
    Files.write(dir.resolve("lower.zip"), Arrays.copyOf(lower, lower.length / 2));
    rehash(dir);
    final ModelException e = assertThrows(ModelException.class,
        () -> Model.load(ModelSource.directory(dir)));
    assertTrue(e.getMessage().contains(dir.resolve("lower.zip").toString()), e.getMessage());
  }

  @Test
  void swappedMojosAreCaughtByTheContentHash() throws Exception {
    final Path dir = Fixture.copyModel(temp.resolve("swapped"));
    final byte[] lower = Files.readAllBytes(dir.resolve("lower.zip"));
    Files.copy(dir.resolve("upper.zip"), dir.resolve("lower.zip"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.write(dir.resolve("upper.zip"), lower);
    final ModelException e = assertThrows(ModelException.class,
        () -> Model.load(ModelSource.directory(dir)));
    assertTrue(e.getMessage().startsWith("contentHash mismatch"), e.getMessage());
    assertTrue(e.getMessage().contains(dir.resolve("envelope.json").toString()), e.getMessage());
  }

  @Test
  void badEnvelopeJsonIsNamed() throws Exception {
    final Path dir = Fixture.copyModel(temp.resolve("badjson"));
    Files.writeString(dir.resolve("envelope.json"), "{\"format\": ");
    ModelException e = assertThrows(ModelException.class,
        () -> Model.load(ModelSource.directory(dir)));
    assertTrue(e.getMessage().contains(dir.resolve("envelope.json").toString()), e.getMessage());

    Files.writeString(dir.resolve("envelope.json"), "{\"format\": \"something@2\"}");
    e = assertThrows(ModelException.class, () -> Model.load(ModelSource.directory(dir)));
    assertTrue(e.getMessage().contains("something@2"), e.getMessage());
  }

  @Test
  void missingResourceIsNamed() {
    final ModelSource source = ModelSource.resources(getClass().getClassLoader(), "no/model/here/");
    final ModelException e = assertThrows(ModelException.class, () -> Model.load(source));
    assertEquals("resource no/model/here/envelope.json in the UDF jar does not exist: the jar was"
        + " built without a model (build it with -Dmodel.dir=DIR, or set the function's model.path"
        + " config)", e.getMessage());
  }

  @Test
  void modelFromClasspathResources() {
    final Model model = Model.load(
        ModelSource.resources(getClass().getClassLoader(), "models/reference/"));
    assertEquals(Model.load(ModelSource.directory(Fixture.modelDir())).contentHash(),
        model.contentHash());
  }

  /** Makes envelope.json agree with the (broken) MOJOs, so the MOJO check is what fails. */
  private static void rehash(final Path dir) throws Exception {
    final String hash = Model.contentHash(
        Files.readAllBytes(dir.resolve("lower.zip")), Files.readAllBytes(dir.resolve("upper.zip")));
    final String json = Files.readString(dir.resolve("envelope.json"))
        .replaceAll("\"contentHash\": \"[0-9a-f]{64}\"", "\"contentHash\": \"" + hash + "\"");
    Files.writeString(dir.resolve("envelope.json"), json);
  }
}
