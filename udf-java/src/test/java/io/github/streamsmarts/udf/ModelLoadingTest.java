package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.streamsmarts.udf.model.Band;
import io.github.streamsmarts.udf.model.BandsMojo;
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

  private static ModelException refused(final Path dir) {
    return assertThrows(ModelException.class, () -> Model.load(ModelSource.directory(dir)));
  }

  private static void contains(final String message, final String... parts) {
    for (final String part : parts) {
      assertTrue(message.contains(part), "expected \"" + part + "\" in: " + message);
    }
  }

  @Test
  void fixtureLoadsAndItsHashIsTheSha256OfBandsZip() throws Exception {
    final Model model = Model.load(ModelSource.directory(Fixture.modelDir()));
    final String json = Files.readString(Fixture.modelDir().resolve("envelope.json"));
    assertTrue(json.contains("\"contentHash\": \"" + model.contentHash() + "\""), json);
    // Independently of Model.contentHash: the JDK's digest of the file, as hex.
    final byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
        .digest(Files.readAllBytes(Fixture.modelDir().resolve("bands.zip")));
    assertEquals(java.util.HexFormat.of().formatHex(digest), model.contentHash());
    assertEquals(64, model.contentHash().length());
  }

  @Test
  void missingFileIsNamed() throws Exception {
    for (final String name : new String[] {"bands.zip", "envelope.json"}) {
      final Path dir = Fixture.copyModel(temp.resolve("missing-" + name));
      Files.delete(dir.resolve(name));
      contains(refused(dir).getMessage(), dir.resolve(name).toString(), "does not exist");
    }
  }

  @Test
  void missingDirectoryViaFunctionConfigIsNamed() {
    final Path nowhere = temp.resolve("no-such-model");
    final AnomolyPowerUdf udf = new AnomolyPowerUdf();
    final ModelException e = assertThrows(ModelException.class,
        () -> udf.configure(Fixture.configFor("anomoly_power", nowhere)));
    contains(e.getMessage(), nowhere.toString());
  }

  @Test
  void corruptMojoIsNamed() throws Exception {
    final Path dir = Fixture.modelAround(
        "not a zip".getBytes(StandardCharsets.UTF_8), temp.resolve("corrupt"));
    contains(refused(dir).getMessage(), dir.resolve("bands.zip").toString(),
        "not a readable H2O MOJO");
  }

  @Test
  void truncatedMojoIsNamed() throws Exception {
    final byte[] mojo = Files.readAllBytes(Fixture.modelDir().resolve("bands.zip"));
    final Path dir = Fixture.modelAround(
        Arrays.copyOf(mojo, mojo.length / 2), temp.resolve("truncated"));
    contains(refused(dir).getMessage(), dir.resolve("bands.zip").toString());
  }

  @Test
  void aMojoFromAnotherModelIsCaughtByTheContentHash() throws Exception {
    final Path dir = Fixture.copyModel(temp.resolve("mixed"));
    Files.copy(Fixture.winterDir().resolve("bands.zip"), dir.resolve("bands.zip"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    final String message = refused(dir).getMessage();
    assertTrue(message.startsWith("contentHash mismatch"), message);
    contains(message, dir.resolve("envelope.json").toString(), dir.resolve("bands.zip").toString(),
        Fixture.reference().contentHash(), Fixture.winter().contentHash());
  }

  @Test
  void badEnvelopeJsonIsNamed() throws Exception {
    final Path dir = Fixture.copyModel(temp.resolve("badjson"));
    final Path envelope = dir.resolve("envelope.json");
    Files.writeString(envelope, "{\"format\": ");
    contains(refused(dir).getMessage(), envelope.toString(), "not valid JSON");

    Files.writeString(envelope, "[1, 2]");
    contains(refused(dir).getMessage(), envelope.toString(), "not a JSON object");

    Files.writeString(envelope, "{\"format\": \"something@2\"}");
    contains(refused(dir).getMessage(), envelope.toString(), "something@2",
        "expected stream-smarts/bands@2");

    Files.writeString(envelope, "{\"format\": \"stream-smarts/bands@2\"}");
    contains(refused(dir).getMessage(), envelope.toString(), "no valid contentHash");

    Files.writeString(envelope, "{\"format\": \"stream-smarts/bands@2\", \"contentHash\": \"ABC\"}");
    contains(refused(dir).getMessage(), envelope.toString(), "no valid contentHash");
  }

  /** envelope@1 directories are refused with what to do, both when recognised by files and JSON. */
  @Test
  void theOldFormatIsRefusedWithHowToRetrain() throws Exception {
    final Path old = Files.createDirectories(temp.resolve("envelope-at-1"));
    Files.writeString(old.resolve("envelope.json"),
        "{\"format\": \"stream-smarts/envelope@1\", \"contentHash\": \"" + "0".repeat(64) + "\"}");
    Files.write(old.resolve("lower.zip"), new byte[] {1});
    Files.write(old.resolve("upper.zip"), new byte[] {2});
    contains(refused(old).getMessage(), old.toString(), "stream-smarts/envelope@1",
        "lower.zip", "retrain with `stream-smarts train`", "stream-smarts/bands@2");
    // The MOJOs alone, as the envelope command reads them.
    contains(assertThrows(ModelException.class,
        () -> Model.bandsOnly(ModelSource.directory(old))).getMessage(),
        "retrain with `stream-smarts train`");

    // envelope.json says envelope@1 although a bands.zip is there.
    final Path relabelled = Fixture.copyModel(temp.resolve("relabelled"));
    Files.writeString(relabelled.resolve("envelope.json"),
        "{\"format\": \"stream-smarts/envelope@1\", \"contentHash\": \"" + "0".repeat(64) + "\"}");
    contains(refused(relabelled).getMessage(), relabelled.resolve("envelope.json").toString(),
        "stream-smarts/envelope@1", "retrain with `stream-smarts train`");
  }

  @Test
  void aMojoOfAnotherShapeIsRefusedSayingWhatItHas() throws Exception {
    contains(refusedMojo("wrong-columns.zip"), "has columns [band, hour]", "minute (numeric)");
    contains(refusedMojo("nine-bands.zip"), "column band has levels", "kwh.upper");
    contains(refusedMojo("binomial.zip"), "is a Binomial model", "regression GBM");
  }

  private String refusedMojo(final String name) throws Exception {
    final Path dir = Fixture.modelAround(
        Files.readAllBytes(Fixture.mojo(name)), temp.resolve(name + ".model"));
    final String message = refused(dir).getMessage();
    contains(message, dir.resolve("bands.zip").toString());
    return message;
  }

  /** A real MOJO whose floor_1h.ref was fitted above its upper around 05:15 (slot 31). */
  @Test
  void aRefAboveItsUpperNamesTheFileTheBandAndTheMinute() throws Exception {
    final byte[] mojo = Files.readAllBytes(Fixture.mojo("broken-order.zip"));
    final Path dir = Fixture.modelAround(mojo, temp.resolve("broken-order"));
    // The first minute where genmodel's predictions cross, found independently of Bands.
    final var wrapper = BandsMojo.wrapper(mojo, "test");
    int first = -1;
    for (int m = 0; m < 1440 && first < 0; m++) {
      if (BandsMojo.predict(wrapper, Band.FLOOR_1H_REF, m)
          > BandsMojo.predict(wrapper, Band.FLOOR_1H_UPPER, m)) {
        first = m;
      }
    }
    assertTrue(first >= 305 && first <= 315, "the crossing is around slot 31: " + first);
    contains(refused(dir).getMessage(), dir.resolve("bands.zip").toString(),
        "band floor_1h.ref at minute " + first + " (05:", "above floor_1h.upper",
        "must not exceed");
  }

  /** A real MOJO whose mean_24h.lower was fitted to ln(1 + v) = -0.5 at 16:45 (slot 100). */
  @Test
  void aNegativeBandNamesTheFileTheBandAndTheMinute() throws Exception {
    final Path dir = Fixture.modelAround(
        Files.readAllBytes(Fixture.mojo("broken-negative.zip")), temp.resolve("broken-negative"));
    contains(refused(dir).getMessage(), dir.resolve("bands.zip").toString(),
        "band mean_24h.lower at minute 10", "(16:", "below 0");
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
    assertEquals(Fixture.reference().contentHash(), model.contentHash());
    for (int m = 0; m < 1440; m += 61) {
      assertEquals(Fixture.reference().bands().value(Band.FLOOR_1H_UPPER, m),
          model.bands().value(Band.FLOOR_1H_UPPER, m));
    }
  }
}
