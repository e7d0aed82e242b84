package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.streamsmarts.udf.model.Model;
import io.github.streamsmarts.udf.model.ModelDirectories;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** ksqlDB configures one instance per query, from many threads: one model load serves them all. */
class ConcurrentLoadTest {

  @Test
  void queriesStartingTogetherShareOneLoadedModel() throws Exception {
    final int threads = 8;
    final ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      final CountDownLatch start = new CountDownLatch(1);
      final List<Future<Model>> loads = new ArrayList<>();
      final List<Future<Double>> scores = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        final Callable<Model> load = () -> {
          start.await();
          return ModelDirectories.load(Fixture.modelDir());
        };
        loads.add(pool.submit(load));
        final Callable<Double> score = () -> {
          start.await();
          final AnomolyPowerUdf udf = new AnomolyPowerUdf();
          udf.configure(Fixture.configFor("anomoly_power", Fixture.modelDir()));
          return udf.anomolyPower(4.0, 1500.0);
        };
        scores.add(pool.submit(score));
      }
      start.countDown();
      final Model first = loads.get(0).get();
      for (final Future<Model> load : loads) {
        assertSame(first, load.get());
      }
      for (final Future<Double> score : scores) {
        assertEquals(5.4588, score.get(), 1e-3);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
