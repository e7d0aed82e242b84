package io.github.streamsmarts.udf.model;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the model watcher tells the ksqlDB server's log. slf4j-api is on the server's class path and
 * bound to its log4j 2 (kafka-clients depends on slf4j-api, and ksqldb-rest-app/pom.xml in
 * confluentinc/ksql 8.4.x brings log4j-slf4j-impl), so these lines land in ksqlDB's own log
 * beside its messages; the jar does not carry slf4j (pom.xml: provided). In a class of its own,
 * loaded only when there is something to log, so {@code java -jar} commands never need slf4j.
 */
final class WatchLog {

  private static final Logger LOG = LoggerFactory.getLogger("io.github.streamsmarts.udf.model");

  private WatchLog() {
  }

  static void swapped(final Path dir, final String from, final String to) {
    LOG.info("ANOMOLY_POWER model swapped in from {}: now scoring with contentHash {} (was {})",
        dir, to, from);
  }

  static void problem(final Path dir, final String scoring, final String problem,
      final Throwable cause) {
    if (cause == null) {
      LOG.warn("ANOMOLY_POWER model in {} not loaded; still scoring with contentHash {}: {}",
          dir, scoring, problem);
    } else {
      LOG.warn("ANOMOLY_POWER model in {} not loaded; still scoring with contentHash {}: {}",
          dir, scoring, problem, cause);
    }
  }
}
