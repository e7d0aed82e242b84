package io.github.streamsmarts.udf.bench;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * scripts/bench.sh: first proves the three ways give identical scores on every reading the
 * benchmark uses, then runs them and prints per-thread throughput and the ratios against the
 * targets (a/b >= 20, a/c >= 1000). Exit 1 if the scores differ or a target is missed.
 */
public final class BenchMain {

  private BenchMain() {
  }

  public static void main(final String[] args) throws Exception {
    final ScoringBenchmark check = new ScoringBenchmark();
    check.setUp();
    for (int i = 0; i < ScoringBenchmark.READINGS; i++) {
      final double a = check.a_udfLookup();
      check.next = i;
      final double b = check.b_heldWrappers();
      check.next = i;
      final double c = check.c_wrapperPerCall();
      check.next = (i + 1) % ScoringBenchmark.READINGS;
      if (Double.compare(a, b) != 0 || Double.compare(a, c) != 0) {
        System.err.printf("scores differ for day %d hour %d kwh %s: a=%s b=%s c=%s%n",
            check.days[i], check.hours[i], check.kwhs[i], a, b, c);
        System.exit(1);
      }
    }
    System.out.printf("scores identical: %d readings, all three ways%n", ScoringBenchmark.READINGS);

    final Options options = new OptionsBuilder()
        .include(ScoringBenchmark.class.getName())
        .threads(1)
        .jvmArgsAppend("-Dbench.model=" + ScoringBenchmark.modelDir())
        .build();
    final Collection<RunResult> results = new Runner(options).run();
    final Map<String, Double> perSecond = new HashMap<>();
    for (final RunResult result : results) {
      final String label = result.getParams().getBenchmark();
      perSecond.put(label.substring(label.lastIndexOf('.') + 1),
          result.getPrimaryResult().getScore());
    }
    final double a = perSecond.get("a_udfLookup");
    final double b = perSecond.get("b_heldWrappers");
    final double c = perSecond.get("c_wrapperPerCall");
    System.out.println();
    System.out.printf("(a) UDF table lookup        %,16.0f scores/s/thread%n", a);
    System.out.printf("(b) held genmodel wrappers  %,16.0f scores/s/thread%n", b);
    System.out.printf("(c) wrappers built per call %,16.2f scores/s/thread%n", c);
    System.out.printf("a/b = %,.1f (target >= 20)   a/c = %,.0f (target >= 1000)%n", a / b, a / c);
    final boolean met = a / b >= 20 && a / c >= 1000;
    System.out.println(met ? "targets met" : "TARGET MISSED");
    System.exit(met ? 0 : 1);
  }
}
