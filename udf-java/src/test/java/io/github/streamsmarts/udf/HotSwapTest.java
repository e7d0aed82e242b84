package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.streamsmarts.udf.model.LiveModel;
import io.github.streamsmarts.udf.model.Model;
import io.github.streamsmarts.udf.model.ModelDirectories;
import io.github.streamsmarts.udf.model.ModelException;
import io.github.streamsmarts.udf.model.ModelWatcher;
import io.github.streamsmarts.udf.model.Scores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model directory replaced under a running function (issue 13, item 3): the new model is loaded
 * and validated by a check, then swapped in; a broken or half-written one is refused, logged and
 * the old one keeps scoring. Most tests call {@link LiveModel#check} themselves, so they need no
 * waiting; {@link #theSharedTimerSwapsWithoutBeingAsked} proves the timer.
 */
class HotSwapTest {

  @TempDir
  Path temp;

  private final String reference = Fixture.reference().contentHash();
  private final String winter = Fixture.winter().contentHash();

  private LiveModel live(final String name) throws Exception {
    return LiveModel.directory(Fixture.copyModel(temp.resolve(name)), Fixture::load);
  }

  /**
   * A Saturday reading: the reference (two day types) reads its weekend tables, winter (one day
   * type) its only ones, so a swap changes the day type lookup as well as the bands.
   */
  private static Double score(final LiveModel live) {
    return saturday(live.current());
  }

  private static Double saturday(final Model model) {
    return Scores.score(model.bands(), 6, 270, 600.0, 500.0, 400.0, 200.0, 100.0, 50.0, 300.0,
        300.0);
  }

  @Test
  void anUnchangedDirectoryIsNotReloaded() throws Exception {
    final LiveModel live = live("unchanged");
    final Model before = live.current();
    assertFalse(live.check());
    // Touched but the same model: envelope.json still names the model scoring.
    Fixture.replace(live.directory().resolve("envelope.json"),
        Files.readAllBytes(live.directory().resolve("envelope.json")));
    assertFalse(live.check());
    assertSame(before, live.current());
    assertEquals(2, live.checks());
    assertNull(live.lastProblem());
  }

  @Test
  void aNewModelDeployedTheWayDeployDoesIsSwappedIn() throws Exception {
    final LiveModel live = live("deployed");
    final Double old = score(live);
    Fixture.deploy(Fixture.winterDir(), live.directory());
    assertTrue(live.check());
    assertEquals(winter, live.current().contentHash());
    assertEquals(saturday(Fixture.winter()), score(live));
    assertNotEquals(old, score(live));
    assertNull(live.lastProblem());
    // And back again.
    Fixture.deploy(Fixture.modelDir(), live.directory());
    assertTrue(live.check());
    assertEquals(reference, live.current().contentHash());
    assertEquals(old, score(live));
  }

  /** deploy renames bands.zip into place first: until envelope.json follows, nothing changes. */
  @Test
  void bandsZipAloneIsNotSwappedUntilEnvelopeJsonNamesIt() throws Exception {
    final LiveModel live = live("half");
    Fixture.replace(live.directory().resolve("bands.zip"),
        Files.readAllBytes(Fixture.winterDir().resolve("bands.zip")));
    assertFalse(live.check());
    assertEquals(reference, live.current().contentHash());
    assertNull(live.lastProblem(), "a half-written directory is not an error");
    Fixture.replace(live.directory().resolve("envelope.json"),
        Files.readAllBytes(Fixture.winterDir().resolve("envelope.json")));
    assertTrue(live.check());
    assertEquals(winter, live.current().contentHash());
  }

  /** Written in the wrong order: refused (hashes differ), then taken once bands.zip arrives. */
  @Test
  void envelopeJsonFirstIsRefusedThenTakenWhenBandsZipArrives() throws Exception {
    final LiveModel live = live("wrong-order");
    Fixture.replace(live.directory().resolve("envelope.json"),
        Files.readAllBytes(Fixture.winterDir().resolve("envelope.json")));
    assertFalse(live.check());
    assertEquals(reference, live.current().contentHash());
    assertTrue(live.lastProblem().startsWith("contentHash mismatch"), live.lastProblem());
    Fixture.replace(live.directory().resolve("bands.zip"),
        Files.readAllBytes(Fixture.winterDir().resolve("bands.zip")));
    assertTrue(live.check());
    assertEquals(winter, live.current().contentHash());
    assertNull(live.lastProblem());
  }

  @Test
  void aBrokenModelIsRefusedOnceAndTheOldOneKeepsScoring() throws Exception {
    final LiveModel live = live("broken");
    final Double old = score(live);
    final byte[] junk = "not a MOJO".getBytes(StandardCharsets.UTF_8);
    Fixture.replace(live.directory().resolve("bands.zip"), junk);
    Fixture.replace(live.directory().resolve("envelope.json"),
        Fixture.envelopeFor(junk).getBytes(StandardCharsets.UTF_8));
    assertFalse(live.check());
    assertEquals(reference, live.current().contentHash());
    assertEquals(old, score(live));
    final String problem = live.lastProblem();
    assertTrue(problem.contains(live.directory().resolve("bands.zip").toString())
        && problem.contains("not a readable H2O MOJO"), problem);
    // Not retried (nor logged again) until the files change.
    assertFalse(live.check());
    assertEquals(problem, live.lastProblem());
    // A model whose bands break the rules is refused the same way, naming band and minute.
    final byte[] crossed = Files.readAllBytes(Fixture.mojo("broken-order.zip"));
    Fixture.replace(live.directory().resolve("bands.zip"), crossed);
    Fixture.replace(live.directory().resolve("envelope.json"),
        Fixture.envelopeFor(crossed).getBytes(StandardCharsets.UTF_8));
    assertFalse(live.check());
    assertTrue(live.lastProblem().contains("band floor_1h.ref at minute")
        && live.lastProblem().contains("of weekends (day type 1)"), live.lastProblem());
    assertEquals(old, score(live));
  }

  @Test
  void theOldFormatDeployedOverIsRefusedWithHowToRetrain() throws Exception {
    final LiveModel live = live("regressed");
    Files.delete(live.directory().resolve("bands.zip"));
    Files.write(live.directory().resolve("lower.zip"), new byte[] {1});
    Fixture.replace(live.directory().resolve("envelope.json"),
        ("{\"format\": \"stream-smarts/envelope@1\", \"contentHash\": \"" + "1".repeat(64)
            + "\"}").getBytes(StandardCharsets.UTF_8));
    assertFalse(live.check());
    assertTrue(live.lastProblem().contains("retrain with `stream-smarts train`"),
        live.lastProblem());
    assertEquals(reference, live.current().contentHash());
  }

  /** A bands@2 model deployed by a stale `stream-smarts deploy`: refused, saying to retrain. */
  @Test
  void aBands2ModelDeployedOverIsRefusedWithHowToRetrain() throws Exception {
    final LiveModel live = live("bands2");
    final byte[] mojo2 = Files.readAllBytes(Fixture.mojo("bands2.zip"));
    Fixture.replace(live.directory().resolve("bands.zip"), mojo2);
    Fixture.replace(live.directory().resolve("envelope.json"), Fixture.envelopeFor(mojo2)
        .replace("bands@3", "bands@2").getBytes(StandardCharsets.UTF_8));
    assertFalse(live.check());
    assertTrue(live.lastProblem().contains("stream-smarts/bands@2")
        && live.lastProblem().contains("retrain with `stream-smarts train`"), live.lastProblem());
    assertEquals(reference, live.current().contentHash());
    // Its envelope.json relabelled bands@3: the MOJO's ten band names give it away.
    Fixture.replace(live.directory().resolve("envelope.json"),
        Fixture.envelopeFor(mojo2).getBytes(StandardCharsets.UTF_8));
    assertFalse(live.check());
    assertTrue(live.lastProblem().contains("is a stream-smarts/bands@2 MOJO"), live.lastProblem());
    assertEquals(reference, live.current().contentHash());
  }

  @Test
  void aDirectoryThatDisappearsKeepsTheModelScoring() throws Exception {
    final LiveModel live = live("vanishing");
    Files.delete(live.directory().resolve("envelope.json"));
    Files.delete(live.directory().resolve("bands.zip"));
    Files.delete(live.directory());
    assertFalse(live.check());
    assertTrue(live.lastProblem().contains("does not exist"), live.lastProblem());
    assertEquals(reference, live.current().contentHash());
  }

  @Test
  void theSharedTimerSwapsWithoutBeingAsked() throws Exception {
    final LiveModel live = live("timed");
    live.watchEvery(25);
    assertEquals(25, live.intervalMs());
    Fixture.deploy(Fixture.winterDir(), live.directory());
    waitFor(() -> winter.equals(live.current().contentHash()), "the timer to swap");
    final long checks = live.checks();
    waitFor(() -> live.checks() > checks + 2, "more checks");
    assertEquals(winter, live.current().contentHash());
    // Asked for a longer interval, the shorter one stays; a shorter one wins.
    live.watchEvery(60_000);
    assertEquals(25, live.intervalMs());
    live.watchEvery(10);
    assertEquals(10, live.intervalMs());
  }

  /** One watcher thread for every directory and every function instance in the JVM. */
  @Test
  void oneWatcherThreadForAllDirectories() throws Exception {
    for (int i = 0; i < 4; i++) {
      live("many-" + i).watchEvery(20);
    }
    final AnomolyPowerUdf a = new AnomolyPowerUdf();
    a.configure(Fixture.configFor("anomoly_power", Fixture.modelDir(), 20));
    final AnomalyPowerUdf b = new AnomalyPowerUdf();
    b.configure(Fixture.configFor("anomaly_power", Fixture.winterDir(), 20));
    Thread.sleep(100);
    final long watchers = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(ModelWatcher.THREAD_NAME)).count();
    assertEquals(1, watchers);
    Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(ModelWatcher.THREAD_NAME))
        .forEach(t -> assertTrue(t.isDaemon(), "daemon: the JVM never waits for it"));
  }

  /** Through the function: configure with a directory, replace the model, see the new hash. */
  @Test
  void theCompanionFunctionNamesTheModelScoringAfterASwap() throws Exception {
    final Path dir = Fixture.copyModel(temp.resolve("udf"));
    final AnomolyPowerUdf udf = new AnomolyPowerUdf();
    udf.configure(Fixture.configFor("anomoly_power", dir, 20));
    final AnomolyPowerModelUdf model = new AnomolyPowerModelUdf();
    assertEquals(reference, model.anomolyPowerModel());
    final Double before = udf.anomolyPower(270, 600.0, 500.0, 400.0, 300.0);
    Fixture.deploy(Fixture.winterDir(), dir);
    waitFor(() -> winter.equals(model.anomolyPowerModel()), "ANOMOLY_POWER_MODEL() to change");
    assertEquals(Scores.score(Fixture.winter().bands(), 270, 600.0, 500.0, 400.0, 300.0),
        udf.anomolyPower(270, 600.0, 500.0, 400.0, 300.0));
    assertEquals(saturday(Fixture.winter()), udf.anomolyPower(6, 270, 600.0, 500.0, 400.0, 200.0,
        100.0, 50.0, 300.0, 300.0));
    assertNotEquals(before, udf.anomolyPower(270, 600.0, 500.0, 400.0, 300.0));
    // A query configured after the swap shares the live model.
    final AnomolyPowerUdf later = new AnomolyPowerUdf();
    later.configure(Fixture.configFor("anomoly_power", dir, 20));
    assertEquals(udf.anomolyPower(270, 600.0, 500.0, 400.0, 300.0),
        later.anomolyPower(270, 600.0, 500.0, 400.0, 300.0));
  }

  @Test
  void theCheckIntervalSetting() throws Exception {
    final Path dir = Fixture.copyModel(temp.resolve("settings"));
    final String key = "ksql.functions.anomoly_power.model.check.interval.ms";
    for (final Object bad : new Object[] {"soon", "-5", "1.5", -1L}) {
      final ModelException e = assertThrows(ModelException.class, () -> new AnomolyPowerUdf()
          .configure(Map.of("ksql.functions.anomoly_power.model.path", dir.toString(), key, bad)));
      assertTrue(e.getMessage().startsWith(key + " is \"" + bad + "\"; it must be a whole number"),
          e.getMessage());
    }
    // "0" never checks; the default is 60 s; ksqlDB hands over strings, a Number works too; the
    // shortest interval asked for wins.
    new AnomolyPowerUdf().configure(Map.of("ksql.functions.anomoly_power.model.path",
        dir.toString(), key, "0"));
    assertEquals(0, ModelDirectories.watch(dir, 0).intervalMs());
    new AnomolyPowerUdf().configure(Fixture.configFor("anomoly_power", dir));
    assertEquals(60_000, ModelDirectories.watch(dir, 0).intervalMs());
    new AnomolyPowerUdf().configure(Map.of("ksql.functions.anomoly_power.model.path",
        dir.toString(), key, 1234));
    assertEquals(1234, ModelDirectories.watch(dir, 0).intervalMs());
    new AnomolyPowerUdf().configure(Fixture.configFor("anomoly_power", dir));
    assertEquals(1234, ModelDirectories.watch(dir, 0).intervalMs());
  }

  static void waitFor(final BooleanSupplier condition, final String what) throws Exception {
    final long deadline = System.nanoTime() + 20_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting 20 s for " + what);
      }
      Thread.sleep(10);
    }
  }
}
