package io.github.streamsmarts.udf.bench;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * scripts/bench.sh: first proves the ways give identical scores (the UDF's 10-argument form and
 * the held wrapper on every reading the benchmark uses, the wrapper built per call on the first
 * 16: it takes a fraction of a second each), then runs them and prints per-thread throughput and
 * the ratios against the targets (the 10-argument form at >= 50 million scores/s/thread, a/b >=
 * 20, a/c >= 1000). Exit 1 if the scores differ; a missed target is printed, not an exit status.
 */
public final class BenchMain {

  static final double TARGET_PER_SECOND = 50e6;

  private BenchMain() {
  }

  public static void main(final String[] args) throws Exception {
    final ScoringBenchmark check = new ScoringBenchmark();
    check.setUp();
    for (int i = 0; i < ScoringBenchmark.READINGS; i++) {
      check.next = i;
      final Double a = check.a_udf10();
      check.next = i;
      final Double b = check.b_heldWrapper();
      Double c = a;
      if (i < 16) {
        check.next = i;
        c = check.c_wrapperPerCall();
      }
      if (!Objects.equals(a, b) || !Objects.equals(a, c)) {
        System.err.printf("scores differ for day %d minute %d: a=%s b=%s c=%s%n",
            check.days[i], check.minutes[i], a, b, c);
        System.exit(1);
      }
    }
    System.out.printf("scores identical: %d readings (UDF = held wrapper), 16 (= wrapper per"
        + " call)%n", ScoringBenchmark.READINGS);

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
    final double a = perSecond.get("a_udf10");
    final double a3 = perSecond.get("a3_udf10EveryBranch");
    final double a5 = perSecond.get("a5_udf5");
    final double a2 = perSecond.get("a2_udf2018");
    final double f = perSecond.get("f_unboxTen");
    final double b = perSecond.get("b_heldWrapper");
    final double c = perSecond.get("c_wrapperPerCall");
    System.out.println();
    System.out.printf("(a)  UDF, ANOMOLY_POWER(day, minute, 7 high, mean)   %,16.0f scores/s/thread"
        + " (target >= %,.0f)%n", a, TARGET_PER_SECOND);
    System.out.printf("(a3) UDF, 10-argument form, every branch in turn    %,16.0f scores/s/thread%n",
        a3);
    System.out.printf("(a5) UDF, ANOMOLY_POWER(minute, 3 floors, mean)      %,16.0f scores/s/thread%n",
        a5);
    System.out.printf("(a2) UDF, ANOMOLY_POWER(hour, kwh) (2018)            %,16.0f scores/s/thread%n",
        a2);
    System.out.printf("(f)  10 arguments unboxed, a result boxed, no score  %,16.0f calls/s/thread%n",
        f);
    System.out.printf("(b)  genmodel wrapper held in a field                %,16.0f scores/s/thread%n",
        b);
    System.out.printf("(c)  genmodel wrapper built per call                 %,16.2f scores/s/thread%n",
        c);
    System.out.printf("a/b = %,.0f (target >= 20)   a/c = %,.0f (target >= 1000)%n", a / b, a / c);
    final boolean met = a >= TARGET_PER_SECOND && a / b >= 20 && a / c >= 1000;
    // A benchmark prints figures; it does not fail the run when a target is missed (make bench goes
    // on to the other benchmarks): the line says so, for a person to read.
    System.out.println(met ? "targets met" : "TARGET MISSED");
  }
}
