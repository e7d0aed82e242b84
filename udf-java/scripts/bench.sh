#!/usr/bin/env bash
# Benchmarks the UDF against scoring through h2o-genmodel directly (JMH, Maven profile `bench`):
# (a) the UDF's 10-argument lookup (a3 on every branch in turn, a5 the 5-argument form, a2 the
# 2018 form, f the cost of unboxing ten arguments alone), (b) one EasyPredictModelWrapper of
# bands.zip held in a field, (c) one built per call. Prints scores/s per thread against the target
# (a >= 50 M/s), the ratios a/b and a/c, and checks the scores are identical.
# Takes about two minutes on 2 cores. Usage: udf-java/scripts/bench.sh [MODEL_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
model="$(cd "${1:-$here/src/test/resources/models/reference}" && pwd)"
cd "$here"
echo "bench: compiling with the JMH profile (mvn -Pbench test-compile)"
mvn -B -q -Dstyle.color=never -Pbench test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
echo "bench: model $model"
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  -Dbench.model="$model" io.github.streamsmarts.udf.bench.BenchMain
