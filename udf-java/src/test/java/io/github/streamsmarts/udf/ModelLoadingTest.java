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
    // The reference has two day types, winter one (MODEL-FORMAT: the domain says which).
    assertEquals(2, model.bands().dayTypes());
    assertEquals(1, Fixture.winter().bands().dayTypes());
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

    Files.writeString(envelope, "{\"format\": \"something@3\"}");
    contains(refused(dir).getMessage(), envelope.toString(), "something@3",
        "expected stream-smarts/bands@3");

    Files.writeString(envelope, "{\"format\": \"stream-smarts/bands@3\"}");
    contains(refused(dir).getMessage(), envelope.toString(), "no valid contentHash");

    Files.writeString(envelope, "{\"format\": \"stream-smarts/bands@3\", \"contentHash\": \"ABC\"}");
    contains(refused(dir).getMessage(), envelope.toString(), "no valid contentHash");
  }

  /** envelope@1 and bands@2 directories are refused with what to do, by files, JSON or MOJO. */
  @Test
  void theOldFormatIsRefusedWithHowToRetrain() throws Exception {
    final Path old = Files.createDirectories(temp.resolve("envelope-at-1"));
    Files.writeString(old.resolve("envelope.json"),
        "{\"format\": \"stream-smarts/envelope@1\", \"contentHash\": \"" + "0".repeat(64) + "\"}");
    Files.write(old.resolve("lower.zip"), new byte[] {1});
    Files.write(old.resolve("upper.zip"), new byte[] {2});
    contains(refused(old).getMessage(), old.toString(), "stream-smarts/envelope@1",
        "lower.zip", "retrain with `stream-smarts train`", "stream-smarts/bands@3");
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

    // A bands@2 directory: its envelope.json says so (whatever its bands.zip).
    final Path bands2 = Fixture.copyModel(temp.resolve("bands-at-2"));
    Files.writeString(bands2.resolve("envelope.json"), "{\"format\": \"stream-smarts/bands@2\","
        + " \"contentHash\": \"" + Fixture.reference().contentHash() + "\"}");
    final String message = refused(bands2).getMessage();
    contains(message, bands2.resolve("envelope.json").toString(), "stream-smarts/bands@2",
        "no longer reads", "retrain with `stream-smarts train`", "stream-smarts/bands@3");
    // A bands@2 MOJO, as the envelope command reads it (no envelope.json), and in a directory
    // whose envelope.json claims bands@3.
    final byte[] mojo2 = Files.readAllBytes(Fixture.mojo("bands2.zip"));
    final Path mojoOnly = Files.createDirectories(temp.resolve("bands2-mojo"));
    Files.write(mojoOnly.resolve("bands.zip"), mojo2);
    contains(assertThrows(ModelException.class,
        () -> Model.bandsOnly(ModelSource.directory(mojoOnly))).getMessage(),
        mojoOnly.resolve("bands.zip").toString(), "is a stream-smarts/bands@2 MOJO",
        "floor_15m.upper", "retrain with `stream-smarts train`");
    contains(refusedMojo("bands2.zip"), "stream-smarts/bands@2 MOJO", "retrain");
  }

  @Test
  void aMojoOfAnotherShapeIsRefusedSayingWhatItHas() throws Exception {
    contains(refusedMojo("wrong-columns.zip"), "has columns [band, hour]", "minute (numeric)");
    // 33 names: kwh.upper left out. 32: two day types, but no step_45m at weekends.
    final String missing = refusedMojo("missing-band.zip");
    contains(missing, "column band has 33 levels [activity_3h.ref.weekday,",
        "; a bands@3 MOJO's levels are exactly the 18 [activity_3h.ref,",
        "(one day type) or the 34 [activity_3h.ref.weekday,", "kwh.upper", "(two day types)");
    assertTrue(!missing.substring(0, missing.indexOf(';')).contains("kwh.upper"), missing);
    contains(refusedMojo("lopsided.zip"), "column band has 32 levels", "step_45m.ref.weekday",
        "exactly the 18", "or the 34");
    contains(refusedMojo("binomial.zip"), "is a Binomial model", "regression GBM");
  }

  private String refusedMojo(final String name) throws Exception {
    final Path dir = Fixture.modelAround(
        Files.readAllBytes(Fixture.mojo(name)), temp.resolve(name + ".model"));
    final String message = refused(dir).getMessage();
    contains(message, dir.resolve("bands.zip").toString());
    return message;
  }

  /**
   * A real MOJO (two day types) whose floor_1h.ref at weekends was fitted above its upper around
   * 05:15 (slot 31).
   */
  @Test
  void aRefAboveItsUpperNamesTheFileTheBandTheDayTypeAndTheMinute() throws Exception {
    final byte[] mojo = Files.readAllBytes(Fixture.mojo("broken-order.zip"));
    final Path dir = Fixture.modelAround(mojo, temp.resolve("broken-order"));
    // The first minute where genmodel's predictions cross, found independently of Bands.
    final BandsMojo.Mojo read = BandsMojo.read(mojo, "test");
    assertEquals(2, read.dayTypes());
    int first = -1;
    for (int m = 0; m < 1440 && first < 0; m++) {
      if (BandsMojo.predict(read, Band.FLOOR_1H_REF, 1, m)
          > BandsMojo.predict(read, Band.FLOOR_1H_UPPER, 1, m)) {
        first = m;
      }
      // On weekdays they never cross.
      assertTrue(BandsMojo.predict(read, Band.FLOOR_1H_REF, 0, m)
          <= BandsMojo.predict(read, Band.FLOOR_1H_UPPER, 0, m), "weekday minute " + m);
    }
    assertTrue(first >= 305 && first <= 315, "the crossing is around slot 31: " + first);
    contains(refused(dir).getMessage(), dir.resolve("bands.zip").toString(),
        "band floor_1h.ref at minute " + first + " (05:", " of weekends (day type 1) is ",
        "above floor_1h.upper", "must not exceed");
  }

  /**
   * A real MOJO whose weekday mean_24h.lower was fitted to ln(1 + v) = -0.5 at 16:45 (slot 100).
   */
  @Test
  void aNegativeBandNamesTheFileTheBandTheDayTypeAndTheMinute() throws Exception {
    final Path dir = Fixture.modelAround(
        Files.readAllBytes(Fixture.mojo("broken-negative.zip")), temp.resolve("broken-negative"));
    contains(refused(dir).getMessage(), dir.resolve("bands.zip").toString(),
        "band mean_24h.lower at minute 10", "(16:", " of weekdays (day type 0) is -0.",
        "below 0");
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
      for (int t = 0; t < 2; t++) {
        assertEquals(Fixture.reference().bands().value(Band.FLOOR_1H_UPPER, t, m),
            model.bands().value(Band.FLOOR_1H_UPPER, t, m));
      }
    }
  }
}
