package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.streamsmarts.udf.model.LiveModel;
import io.github.streamsmarts.udf.model.Model;
import io.github.streamsmarts.udf.model.ModelDirectories;
import io.github.streamsmarts.udf.model.ModelSource;
import io.github.streamsmarts.udf.model.Scores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ksqlDB configures one instance per query, from many threads: one model load serves them all.
 * And scoring never waits for a load: a load held up on a latch while scoring threads run.
 */
class ConcurrentLoadTest {

  @TempDir
  Path temp;

  @Test
  void queriesStartingTogetherShareOneLoadedModel() throws Exception {
    final Path dir = Fixture.copyModel(temp.resolve("shared"));
    final int threads = 8;
    final ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      final CountDownLatch start = new CountDownLatch(1);
      final List<Future<LiveModel>> loads = new ArrayList<>();
      final List<Future<Double>> scores = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        final Callable<LiveModel> load = () -> {
          start.await();
          return ModelDirectories.watch(dir, 60_000);
        };
        loads.add(pool.submit(load));
        final Callable<Double> score = () -> {
          start.await();
          final AnomolyPowerUdf udf = new AnomolyPowerUdf();
          udf.configure(Fixture.configFor("anomoly_power", dir));
          return udf.anomolyPower(4.0, 1500.0);
        };
        scores.add(pool.submit(score));
      }
      start.countDown();
      final LiveModel first = loads.get(0).get();
      for (final Future<LiveModel> load : loads) {
        assertSame(first, load.get());
        assertSame(first.current(), load.get().current());
      }
      for (final Future<Double> score : scores) {
        assertEquals(5.4588, score.get(), 1e-3);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A check that loads a new model is held inside the load (on a latch) while four threads score
   * two million readings each: they finish, with the old model, while the load is still held; once
   * it is let go the new model scores.
   */
  @Test
  void scoringNeverWaitsForALoad() throws Exception {
    final Path dir = Fixture.copyModel(temp.resolve("gated"));
    final CountDownLatch inLoad = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger loadsSeen = new AtomicInteger();
    final LiveModel live = LiveModel.directory(dir, source -> {
      if (loadsSeen.incrementAndGet() > 1) {
        inLoad.countDown();
        try {
          release.await();
        } catch (final InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return Fixture.load(source);
    });
    final String old = live.current().contentHash();
    Fixture.deploy(Fixture.winterDir(), dir);

    final ExecutorService pool = Executors.newFixedThreadPool(5);
    try {
      final Future<Boolean> check = pool.submit(live::check);
      assertTrue(inLoad.await(20, TimeUnit.SECONDS), "the check reached the load");
      final List<Future<Integer>> scorers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        scorers.add(pool.submit(() -> {
          int old24 = 0;
          for (int i = 0; i < 2_000_000; i++) {
            final Model model = live.current();
            final Double s = (i & 1) == 0
                ? Scores.score(model.bands(), i % 1440, 500.0, 400.0, 300.0, 450.0)
                : Scores.score(model.bands(), 1 + i % 7, i % 1440, 500.0, 400.0, 300.0, 100.0,
                    80.0, 60.0, 200.0, 450.0);
            if (s != null && model.contentHash().equals(old)) {
              old24++;
            }
          }
          return old24;
        }));
      }
      for (final Future<Integer> scorer : scorers) {
        // Done while the load is still held: scoring did not wait for it.
        assertEquals(2_000_000, scorer.get(60, TimeUnit.SECONDS));
      }
      assertTrue(!check.isDone(), "the load is still held");
      assertEquals(old, live.current().contentHash());
      release.countDown();
      assertTrue(check.get(20, TimeUnit.SECONDS), "swapped once let go");
      assertEquals(Fixture.winter().contentHash(), live.current().contentHash());
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }
}
