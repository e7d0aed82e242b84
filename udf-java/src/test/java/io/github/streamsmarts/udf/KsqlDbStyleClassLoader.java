package io.github.streamsmarts.udf;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * The class loading rule of ksqlDB 8.4's UdfClassLoader (ksqldb-engine,
 * io.confluent.ksql.function.UdfClassLoader): one loader per jar in ext/, child first, except that
 * names starting with {@code io.confluent} or {@code org.apache.kafka} always come from the parent
 * (the server), and names matching ext/resource-blacklist.txt are refused. Written from that
 * contract, not copied.
 */
final class KsqlDbStyleClassLoader extends URLClassLoader {

  private final Predicate<String> blacklist;

  KsqlDbStyleClassLoader(final Path jar, final ClassLoader server, final Predicate<String> blacklist)
      throws Exception {
    super(new URL[] {jar.toUri().toURL()}, server);
    this.blacklist = blacklist;
  }

  @Override
  protected Class<?> loadClass(final String name, final boolean resolve)
      throws ClassNotFoundException {
    if (blacklist.test(name)) {
      throw new ClassNotFoundException("blacklisted for UDFs: " + name);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> found = findLoadedClass(name);
      if (found == null && !name.startsWith("io.confluent") && !name.startsWith("org.apache.kafka")) {
        try {
          found = findClass(name);
        } catch (final ClassNotFoundException notInJar) {
          // falls through to the server, as ksqlDB does
        }
      }
      if (found == null) {
        found = super.loadClass(name, false);
      }
      if (resolve) {
        resolveClass(found);
      }
      return found;
    }
  }

  /**
   * Stands for the ksqlDB server's class path, reduced to what a UDF jar may rely on it for: the
   * JDK, ksqlDB's UDF API, Kafka, and slf4j-api (on the server because kafka-clients depends on
   * it, and bound to ksqlDB's log4j 2 by log4j-slf4j-impl, a dependency of ksqldb-rest-app in
   * confluentinc/ksql 8.4.x ksqldb-rest-app/pom.xml). Anything else the jar needs must be inside
   * it, so a missing shaded class shows up here instead of on a server whose class path happens
   * to have it.
   */
  static final class Server extends ClassLoader {
    private final ClassLoader withKsqlAndKafka;

    Server(final ClassLoader withKsqlAndKafka) {
      super(ClassLoader.getPlatformClassLoader());
      this.withKsqlAndKafka = withKsqlAndKafka;
    }

    @Override
    protected Class<?> loadClass(final String name, final boolean resolve)
        throws ClassNotFoundException {
      if (name.startsWith("io.confluent.") || name.startsWith("org.apache.kafka.")
          || name.startsWith("org.slf4j.")) {
        return withKsqlAndKafka.loadClass(name);
      }
      return super.loadClass(name, resolve);
    }
  }
}
