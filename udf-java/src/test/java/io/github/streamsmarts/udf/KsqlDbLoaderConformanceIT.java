package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.confluent.ksql.function.udf.Udf;
import io.confluent.ksql.function.udf.UdfDescription;
import io.confluent.ksql.function.udf.UdfParameter;
import io.github.classgraph.ClassGraph;
import io.github.classgraph.ClassInfo;
import io.github.classgraph.ScanResult;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.apache.kafka.common.Configurable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads the BUILT, shaded jar as ksqlDB 8.4's server does, from the rules in its sources
 * (ksqldb-engine, package io.confluent.ksql.function):
 * <ul>
 *   <li>UserFunctionLoader.load / loadFunctions: a fresh UdfClassLoader per jar in ext/, then a
 *       ClassGraph scan of that loader alone (overrideClassLoaders + ignoreParentClassLoaders) for
 *       classes annotated {@code @UdfDescription}.</li>
 *   <li>UdfClassLoader: child first, but io.confluent.* and org.apache.kafka.* from the server
 *       ({@link KsqlDbStyleClassLoader}).</li>
 *   <li>UdfLoader.loadUdfFromClass / createFunction: every public method (getMethods) carrying
 *       {@code @Udf}; FunctionLoaderUtils.instantiateFunctionInstance needs a public no-arg
 *       constructor on the method's declaring class; createParameters takes the name from
 *       {@code @UdfParameter.value} (else a -parameters name) and it must not be blank; the
 *       parameter and return types must be in UdfUtil's Java-to-SQL table unless a schema is
 *       given; UdfIndex.addFunction rejects two overloads with the same parameter types;
 *       InternalFunctionRegistry upper-cases the name, which must be a Java identifier.</li>
 *   <li>UdfLoader.getUdfFactory: per query, a new instance, and if it is Configurable,
 *       configure(KsqlConfig.getKsqlFunctionsConfigProps(name)) (ksqldb-common,
 *       io.confluent.ksql.util.KsqlConfig): the keys starting {@code ksql.functions.<name>}
 *       (lower-cased; no dot after the name, so ANOMOLY_POWER also sees
 *       {@code ksql.functions.anomoly_power_model.*}) plus those under
 *       {@code ksql.functions._global_.}, unstripped; so ANOMOLY_POWER_MODEL never sees
 *       ANOMOLY_POWER's {@code model.path}.</li>
 * </ul>
 * Read from confluentinc/ksql branch 8.4.x. The hot-swap tests then change the model directory
 * under instances made this way and watch the swap through ANOMOLY_POWER_MODEL().
 */
class KsqlDbLoaderConformanceIT {

  /** UdfUtil.JAVA_TO_ARG_TYPE in ksqldb-execution 8.4: the Java types a UDF may take or return. */
  private static final Set<Type> SUPPORTED = Set.of(
      String.class, boolean.class, Boolean.class, Integer.class, int.class, Long.class, long.class,
      Double.class, double.class, BigDecimal.class, Date.class, Timestamp.class, Time.class,
      TimeUnit.class, ByteBuffer.class);

  /** The SQL functions and the overloads each must offer (Java types, in order). */
  private static final Set<List<Class<?>>> SCORING = Set.of(
      List.of(Double.class, Double.class),
      List.of(Integer.class, Integer.class, Double.class),
      List.of(Integer.class, Double.class, Double.class, Double.class, Double.class),
      List.of(Integer.class, Integer.class, Double.class, Double.class, Double.class,
          Double.class, Double.class, Double.class, Double.class, Double.class));
  private static final Map<String, Set<List<Class<?>>>> EXPECTED = Map.of(
      "ANOMOLY_POWER", SCORING,
      "ANOMALY_POWER", SCORING,
      "ANOMOLY_POWER_MODEL", Set.of(List.of()),
      "ANOMALY_POWER_MODEL", Set.of(List.of()));
  /** The parameter names DESCRIBE FUNCTION shows for each overload, by arity. */
  private static final Map<Integer, List<String>> PARAMETERS = Map.of(
      0, List.of(),
      2, List.of("hour", "kwh"),
      3, List.of("day", "hour", "kwh"),
      5, List.of("minute", "floor_15m", "floor_1h", "floor_3h", "mean_24h"),
      10, List.of("day", "minute", "floor_15m", "floor_1h", "floor_3h", "step_20m", "step_45m",
          "step_90m", "activity_3h", "mean_24h"));

  @TempDir
  Path temp;

  private final List<KsqlDbStyleClassLoader> loaders = new ArrayList<>();

  @AfterEach
  void closeLoaders() throws Exception {
    for (final KsqlDbStyleClassLoader loader : loaders) {
      loader.close();
    }
  }

  private static Path builtJar() {
    final Path jar = Path.of(System.getProperty("udf.jar", "target/stream-smarts-udf.jar"));
    assertTrue(Files.isRegularFile(jar), "run in the verify phase, after package: " + jar);
    return jar;
  }

  private KsqlDbStyleClassLoader load(final Path jar) throws Exception {
    final KsqlDbStyleClassLoader loader = new KsqlDbStyleClassLoader(jar,
        new KsqlDbStyleClassLoader.Server(getClass().getClassLoader()), name -> false);
    loaders.add(loader);
    return loader;
  }

  /** The @UdfDescription classes ClassGraph finds in the jar alone, by upper-cased name. */
  private static Map<String, Class<?>> scan(final ClassLoader loader) {
    final Map<String, Class<?>> found = new TreeMap<>();
    try (ScanResult scan = new ClassGraph().overrideClassLoaders(loader).enableAnnotationInfo()
        .ignoreParentClassLoaders().scan()) {
      for (final ClassInfo info : scan.getClassesWithAnnotation(UdfDescription.class.getName())) {
        final Class<?> udf = info.loadClass();
        final UdfDescription description = udf.getAnnotation(UdfDescription.class);
        assertNotNull(description, "annotation must be ksqlDB's own class, from the server");
        final String name = description.name().toUpperCase();
        assertNull(found.put(name, udf), "two classes register " + name);
      }
    }
    return found;
  }

  @Test
  void jarLoadsLikeKsqlDbLoadsIt() throws Exception {
    final KsqlDbStyleClassLoader loader = load(builtJar());
    final Map<String, Class<?>> udfs = scan(loader);
    assertEquals(EXPECTED.keySet(), udfs.keySet());

    for (final Map.Entry<String, Class<?>> entry : udfs.entrySet()) {
      final Class<?> udf = entry.getValue();
      assertEquals(loader, udf.getClassLoader(), "UDF classes come from the jar");
      final UdfDescription description = udf.getAnnotation(UdfDescription.class);
      assertTrue(description.name().matches("[A-Za-z_][A-Za-z0-9_]*"), description.name());
      assertFalse(description.description().isBlank());
      assertTrue(description.version().matches("\\d+\\.\\d+\\.\\d+\\+model\\.([0-9a-f]{12}|none)"),
          description.version());
      // The scoring functions take their model from the function config; the companion has none.
      assertEquals(!entry.getKey().endsWith("_MODEL"), Configurable.class.isAssignableFrom(udf),
          entry.getKey());
      assertTrue(Modifier.isPublic(udf.getModifiers()));

      final Set<List<Class<?>>> signatures = new HashSet<>();
      final Set<Integer> arities = new HashSet<>();
      for (final Method method : udf.getMethods()) {
        if (method.getAnnotation(Udf.class) == null) {
          continue;
        }
        assertTrue(Modifier.isPublic(method.getDeclaringClass().getModifiers()));
        assertNotNull(method.getDeclaringClass().getConstructor().newInstance(),
            "public no-arg constructor on " + method.getDeclaringClass());
        assertTrue(SUPPORTED.contains(method.getGenericReturnType()), method.toString());
        assertFalse(method.isVarArgs());
        assertFalse(method.getAnnotation(Udf.class).description().isBlank(), method.toString());
        assertTrue(method.getAnnotation(Udf.class).schema().isEmpty());
        assertTrue(method.getAnnotation(Udf.class).schemaProvider().isEmpty());
        final Parameter[] parameters = method.getParameters();
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < parameters.length; i++) {
          final UdfParameter doc = parameters[i].getAnnotation(UdfParameter.class);
          assertNotNull(doc, method + " parameter " + i + " has no @UdfParameter");
          assertFalse(doc.value().isBlank(), method + " parameter " + i + " has no name");
          names.add(doc.value());
          assertFalse(doc.description().isBlank(), method + " parameter " + i);
          assertTrue(doc.schema().isEmpty());
          assertTrue(SUPPORTED.contains(method.getGenericParameterTypes()[i]), method.toString());
          // Boxed, so that a NULL column reaches the method instead of failing the call.
          assertFalse(parameters[i].getType().isPrimitive(), method.toString());
        }
        assertEquals(PARAMETERS.get(parameters.length), names, method.toString());
        assertTrue(signatures.add(List.of(method.getParameterTypes())),
            "two overloads with the same parameter types: " + method);
        // UdfIndex (ksqldb-common) resolves a call through a trie of one level per argument
        // position, and a NULL argument (Parameter.accepts) matches any type: two overloads of
        // one arity could make a call with NULLs ambiguous (createVagueImplicitCastException).
        // None variadic and every arity its own, each call has exactly one candidate.
        assertTrue(arities.add(parameters.length), "two overloads of arity " + parameters.length
            + ": " + method);
      }
      assertEquals(EXPECTED.get(entry.getKey()), signatures, entry.getKey());
    }
  }

  @Test
  void scoresThroughReflectionWithAModelNamedByFunctionConfig() throws Exception {
    final Map<String, Class<?>> udfs = scan(load(builtJar()));
    for (final String name : new String[] {"ANOMOLY_POWER", "ANOMALY_POWER"}) {
      final Object udf = udfs.get(name).getConstructor().newInstance();
      // What KsqlConfig.getKsqlFunctionsConfigProps hands over: this function's keys, unstripped.
      final Map<String, Object> props = new HashMap<>();
      props.put("ksql.functions." + name.toLowerCase() + ".model.path",
          Fixture.modelDir().toString());
      ((Configurable) udf).configure(props);

      final Method byHour = method(udfs.get(name), 2);
      final Method byCell = method(udfs.get(name), 3);
      final Method byMinute = method(udfs.get(name), 5);
      final Method byDayMinute = method(udfs.get(name), 10);
      assertEquals(5.4588, (Double) byHour.invoke(udf, 4.0, 1500.0), 1e-3);
      assertEquals(0.6914, (Double) byHour.invoke(udf, 9.0, 1500.0), 1e-3);
      assertEquals(byHour.invoke(udf, 9.0, 1500.0), byCell.invoke(udf, 3, 9, 1500.0));
      assertNull(byHour.invoke(udf, 4.5, 1500.0));
      assertNull(byHour.invoke(udf, null, 1500.0));
      assertNull(byCell.invoke(udf, 8, 9, 1500.0));
      assertNull(byCell.invoke(udf, 3, 9, Double.NaN));
      // The new form, against the tables this JVM computes from the same directory.
      final var bands = Fixture.reference().bands();
      assertEquals(io.github.streamsmarts.udf.model.Scores.score(bands, 270, 2150.0, 2150.0,
          2150.0, 520.0), byMinute.invoke(udf, 270, 2150.0, 2150.0, 2150.0, 520.0));
      assertTrue((Double) byMinute.invoke(udf, 270, 2150.0, 2150.0, 2150.0, 520.0) > 1);
      assertNull(byMinute.invoke(udf, 1440, 2150.0, 2150.0, 2150.0, 520.0));
      assertNull(byMinute.invoke(udf, null, 2150.0, 2150.0, 2150.0, 520.0));
      assertNull(byMinute.invoke(udf, 270, null, Double.NaN, -1.0, null));
      // The 10-argument form: the reference has two day types, so Saturday reads the weekend's.
      for (final Integer day : new Integer[] {3, 6}) {
        final Object[] args = {day, 270, 150.0, 140.0, 130.0, 0.0, 2000.0, 0.0, 900.0, 470.0};
        assertEquals(io.github.streamsmarts.udf.model.Scores.score(bands, day, 270, 150.0, 140.0,
            130.0, 0.0, 2000.0, 0.0, 900.0, 470.0), byDayMinute.invoke(udf, args));
        assertTrue((Double) byDayMinute.invoke(udf, args) > 1);
      }
      assertNotEquals(byDayMinute.invoke(udf, 3, 540, 1000.0, null, null, null, null, null, null,
          null), byDayMinute.invoke(udf, 6, 540, 1000.0, null, null, null, null, null, null, null));
      assertNull(byDayMinute.invoke(udf, 0, 270, 2150.0, null, null, null, null, null, null, null));
      assertNull(byDayMinute.invoke(udf, null, 270, 2150.0, null, null, null, null, null, null,
          null));
      assertNull(byDayMinute.invoke(udf, 6, 1440, 2150.0, null, null, null, null, null, null,
          null));
      assertNull(byDayMinute.invoke(udf, 6, 270, null, null, null, null, null, null, null, null));

      final Object companion = udfs.get(name + "_MODEL").getConstructor().newInstance();
      assertEquals(Fixture.reference().contentHash(), method(udfs.get(name + "_MODEL"), 0)
          .invoke(companion));
    }
  }

  /** ksqlDB hands ANOMOLY_POWER_MODEL only its own keys: it names ANOMOLY_POWER's model anyway. */
  @Test
  void theCompanionNeedsNoConfigOfItsOwn() throws Exception {
    final Map<String, Class<?>> udfs = scan(load(builtJar()));
    final Method hash = method(udfs.get("ANOMOLY_POWER_MODEL"), 0);
    final Object companion = udfs.get("ANOMOLY_POWER_MODEL").getConstructor().newInstance();
    assertNull(hash.invoke(companion), "no ANOMOLY_POWER configured in this loader yet");
    final Object udf = udfs.get("ANOMOLY_POWER").getConstructor().newInstance();
    ((Configurable) udf).configure(Map.of(
        "ksql.functions.anomoly_power.model.path", Fixture.winterDir().toString(),
        "ksql.functions.anomoly_power_model.something", "seen by ANOMOLY_POWER too: ignored"));
    assertEquals(Fixture.winter().contentHash(), hash.invoke(companion));
    // The other spelling's companion names the other spelling's model: none configured yet.
    assertNull(method(udfs.get("ANOMALY_POWER_MODEL"), 0)
        .invoke(udfs.get("ANOMALY_POWER_MODEL").getConstructor().newInstance()));
  }

  @Test
  void aModelBuiltIntoTheJarIsUsedWithoutConfigAndNamedInTheVersion() throws Exception {
    final Path jar = withEmbeddedFixture(builtJar(), temp.resolve("with-model.jar"));
    final Map<String, Class<?>> udfs = scan(load(jar));
    final Class<?> udf = udfs.get("ANOMOLY_POWER");
    final Object instance = udf.getConstructor().newInstance();
    ((Configurable) instance).configure(Map.of());
    assertEquals(5.4588, (Double) method(udf, 2).invoke(instance, 4.0, 1500.0), 1e-3);
    assertEquals(Fixture.reference().contentHash(), method(udfs.get("ANOMOLY_POWER_MODEL"), 0)
        .invoke(udfs.get("ANOMOLY_POWER_MODEL").getConstructor().newInstance()));
    final String version = udf.getAnnotation(UdfDescription.class).version();
    assertTrue(version.matches("\\d+\\.\\d+\\.\\d+\\+model\\.([0-9a-f]{12}|none)"), version);
  }

  @Test
  void aJarWithoutAModelFailsAtConfigureNamingTheResource() throws Exception {
    final Path jar = withoutModel(builtJar(), temp.resolve("no-model.jar"));
    final Class<?> udf = scan(load(jar)).get("ANOMOLY_POWER");
    final Object instance = udf.getConstructor().newInstance();
    // An unconfigured instance (no model at all) still never throws from a call.
    assertNull(method(udf, 2).invoke(instance, 4.0, 1500.0));
    final InvocationTargetException e = assertThrows(InvocationTargetException.class,
        () -> udf.getMethod("configure", Map.class).invoke(instance, Map.of()));
    final String message = e.getCause().getMessage();
    assertTrue(message.contains("io/github/streamsmarts/udf/embedded-model/envelope.json"), message);
    assertTrue(message.contains("ksql.functions") || message.contains("model.path"), message);
  }

  @Test
  void aCorruptEmbeddedModelFailsWhenAQueryConfiguresTheFunction() throws Exception {
    final Path jar = withEmbedded(builtJar(), temp.resolve("corrupt.jar"), Map.of(
        "envelope.json", Files.readAllBytes(Fixture.modelDir().resolve("envelope.json")),
        "bands.zip", "garbage".getBytes()));
    final Class<?> udf = scan(load(jar)).get("ANOMOLY_POWER");
    final Object instance = udf.getConstructor().newInstance();
    final InvocationTargetException e = assertThrows(InvocationTargetException.class,
        () -> udf.getMethod("configure", Map.class).invoke(instance, Map.of()));
    final String message = e.getCause().getMessage();
    assertTrue(message.contains("contentHash mismatch"), message);
    assertTrue(message.contains("io/github/streamsmarts/udf/embedded-model/envelope.json"), message);
    // The same failure again for the next query, not a NoClassDefFoundError.
    final InvocationTargetException again = assertThrows(InvocationTargetException.class,
        () -> udf.getMethod("configure", Map.class).invoke(instance, Map.of()));
    assertEquals(message, again.getCause().getMessage());
    assertNull(method(udf, 2).invoke(udf.getConstructor().newInstance(), 4.0, 1500.0));
  }

  /** One jar loaded as ksqlDB loads it, with its functions and a handle on its live models. */
  private final class Server {
    final KsqlDbStyleClassLoader loader;
    final Map<String, Class<?>> udfs;

    Server() throws Exception {
      loader = load(builtJar());
      udfs = scan(loader);
    }

    /** A new ANOMOLY_POWER for a query, configured as UdfLoader.getUdfFactory does. */
    Object scoring(final Path dir, final long intervalMs) throws Exception {
      final Object udf = udfs.get("ANOMOLY_POWER").getConstructor().newInstance();
      ((Configurable) udf).configure(Map.of(
          "ksql.functions.anomoly_power.model.path", dir.toString(),
          "ksql.functions.anomoly_power.model.check.interval.ms", Long.toString(intervalMs)));
      return udf;
    }

    Double score(final Object udf, final Object... args) throws Exception {
      return (Double) method(udfs.get("ANOMOLY_POWER"), args.length).invoke(udf, args);
    }

    /** SELECT ANOMOLY_POWER_MODEL(): a new instance, as for each query. */
    String model() throws Exception {
      final Class<?> companion = udfs.get("ANOMOLY_POWER_MODEL");
      return (String) method(companion, 0).invoke(companion.getConstructor().newInstance());
    }

    /** The jar's own LiveModel for a directory (public API, reached through the jar's loader). */
    Object live(final Path dir) throws Exception {
      return loader.loadClass("io.github.streamsmarts.udf.model.ModelDirectories")
          .getMethod("watch", Path.class, long.class).invoke(null, dir, 0L);
    }

    String lastProblem(final Path dir) throws Exception {
      final Object live = live(dir);
      return (String) live.getClass().getMethod("lastProblem").invoke(live);
    }

    long checks(final Path dir) throws Exception {
      final Object live = live(dir);
      return (Long) live.getClass().getMethod("checks").invoke(live);
    }
  }

  private static final Object[] READING = {270, 600.0, 500.0, 400.0, 300.0};
  /** A Saturday reading: the weekend tables of the reference, the only ones of winter. */
  private static final Object[] SATURDAY = {6, 270, 600.0, 500.0, 400.0, 200.0, 100.0, 50.0,
      300.0, 300.0};

  /**
   * Issue 13 item 3, through the loader: configured with a directory, the model is replaced the way
   * `deploy --model-only` does; the timer swaps it in and ANOMOLY_POWER_MODEL() names the new one;
   * then a corrupt model is refused and the swapped-in one keeps scoring.
   */
  @Test
  void aModelReplacedUnderARunningQueryIsSwappedInAndNamed() throws Exception {
    final Server server = new Server();
    final Path dir = Fixture.copyModel(temp.resolve("live"));
    final Object udf = server.scoring(dir, 25);
    final String reference = Fixture.reference().contentHash();
    final String winter = Fixture.winter().contentHash();
    assertEquals(reference, server.model());
    final Double before = server.score(udf, READING);

    Fixture.deploy(Fixture.winterDir(), dir);
    HotSwapTest.waitFor(() -> winter.equals(unchecked(server::model)), "the swap to winter");
    // The running query's instance now scores with the new model's tables.
    final Double winterScore = io.github.streamsmarts.udf.model.Scores.score(
        Fixture.winter().bands(), (Integer) READING[0], (Double) READING[1], (Double) READING[2],
        (Double) READING[3], (Double) READING[4]);
    assertEquals(winterScore, server.score(udf, READING));
    assertNotEquals(before, server.score(udf, READING));
    assertEquals(5.4588, server.score(udf, 4.0, 1500.0), 1e-3, "the 2018 form still works");
    // The 10-argument form: from two day types to one.
    assertEquals(saturday(Fixture.winter()), server.score(udf, SATURDAY));
    assertNotEquals(saturday(Fixture.reference()), server.score(udf, SATURDAY));

    // A corrupt model: envelope.json agrees with bands.zip, but bands.zip is no MOJO.
    final byte[] junk = "no MOJO".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Fixture.replace(dir.resolve("bands.zip"), junk);
    Fixture.replace(dir.resolve("envelope.json"),
        Fixture.envelopeFor(junk).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    HotSwapTest.waitFor(() -> unchecked(() -> server.lastProblem(dir)) != null,
        "the corrupt model to be refused");
    assertTrue(server.lastProblem(dir).contains("not a readable H2O MOJO"),
        server.lastProblem(dir));
    assertEquals(winter, server.model());
    assertEquals(winterScore, server.score(udf, READING));

    // Fixed again: swapped back.
    Fixture.deploy(Fixture.modelDir(), dir);
    HotSwapTest.waitFor(() -> reference.equals(unchecked(server::model)), "the swap back");
    assertEquals(before, server.score(udf, READING));
    assertEquals(saturday(Fixture.reference()), server.score(udf, SATURDAY));
    assertNull(server.lastProblem(dir));
  }

  /**
   * Scoring never blocks on a load: bands.zip is replaced by a named pipe, so the watcher's load
   * blocks reading it until this test writes the MOJO into the pipe. Opening the pipe's write end
   * returns only once the watcher has opened it to read, so the load is provably under way while
   * four query threads score; they finish, with the old model; then the MOJO goes in and the new
   * model is swapped in.
   */
  @Test
  void queriesKeepScoringWhileTheWatcherIsStuckInALoad() throws Exception {
    final Server server = new Server();
    final Path dir = Fixture.copyModel(temp.resolve("piped"));
    final Object udf = server.scoring(dir, 25);
    final String reference = Fixture.reference().contentHash();
    final Double before = server.score(udf, READING);

    final Path pipe = dir.resolve(".bands.zip.pipe");
    final Process mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).inheritIO().start();
    assertEquals(0, mkfifo.waitFor(), "mkfifo");
    java.nio.file.Files.move(pipe, dir.resolve("bands.zip"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Fixture.replace(dir.resolve("envelope.json"),
        Files.readAllBytes(Fixture.winterDir().resolve("envelope.json")));

    final java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(5);
    final java.util.concurrent.Future<java.io.OutputStream> writer = pool.submit(
        () -> Files.newOutputStream(dir.resolve("bands.zip")));
    try {
      final java.io.OutputStream into = writer.get(20, TimeUnit.SECONDS);
      final long checks = server.checks(dir);
      final List<java.util.concurrent.Future<Integer>> queries = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        queries.add(pool.submit(() -> {
          int same = 0;
          for (int i = 0; i < 100_000; i++) {
            if (before.equals(server.score(udf, READING))) {
              same++;
            }
          }
          return same;
        }));
      }
      for (final java.util.concurrent.Future<Integer> query : queries) {
        assertEquals(100_000, query.get(60, TimeUnit.SECONDS), "every call scored, old model");
      }
      assertEquals(reference, server.model());
      assertEquals(checks, server.checks(dir), "the load was under way the whole time");

      into.write(Files.readAllBytes(Fixture.winterDir().resolve("bands.zip")));
      into.close();
      final String winter = Fixture.winter().contentHash();
      HotSwapTest.waitFor(() -> winter.equals(unchecked(server::model)), "the swap to winter");
      assertNotEquals(before, server.score(udf, READING));
    } finally {
      if (!writer.isDone()) {
        // The watcher never opened the pipe: pair the pending writer with a reader of our own.
        final java.io.InputStream unblock = Files.newInputStream(dir.resolve("bands.zip"));
        writer.get(20, TimeUnit.SECONDS).close();
        unblock.close();
      }
      pool.shutdownNow();
    }
  }

  private static Double saturday(final io.github.streamsmarts.udf.model.Model model) {
    return io.github.streamsmarts.udf.model.Scores.score(model.bands(), (Integer) SATURDAY[0],
        (Integer) SATURDAY[1], (Double) SATURDAY[2], (Double) SATURDAY[3], (Double) SATURDAY[4],
        (Double) SATURDAY[5], (Double) SATURDAY[6], (Double) SATURDAY[7], (Double) SATURDAY[8],
        (Double) SATURDAY[9]);
  }

  private interface Call<T> {
    T call() throws Exception;
  }

  private static <T> T unchecked(final Call<T> call) {
    try {
      return call.call();
    } catch (final Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Method method(final Class<?> udf, final int arity) {
    for (final Method method : udf.getMethods()) {
      if (method.getAnnotation(Udf.class) != null && method.getParameterCount() == arity) {
        return method;
      }
    }
    throw new AssertionError("no " + arity + "-argument @Udf method on " + udf);
  }

  private static Path withEmbeddedFixture(final Path jar, final Path out) throws Exception {
    final Map<String, byte[]> files = new HashMap<>();
    for (final String name : new String[] {"bands.zip", "envelope.json"}) {
      files.put(name, Files.readAllBytes(Fixture.modelDir().resolve(name)));
    }
    return withEmbedded(jar, out, files);
  }

  private static Path withoutModel(final Path jar, final Path out) throws Exception {
    return withEmbedded(jar, out, Map.of());
  }

  /** A copy of the jar whose embedded model directory holds exactly {@code files}. */
  private static Path withEmbedded(final Path jar, final Path out, final Map<String, byte[]> files)
      throws Exception {
    final String prefix = "io/github/streamsmarts/udf/embedded-model/";
    try (ZipFile in = new ZipFile(jar.toFile());
         ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
      for (final ZipEntry entry : java.util.Collections.list(in.entries())) {
        if (entry.getName().startsWith(prefix) && !entry.isDirectory()) {
          continue;
        }
        zip.putNextEntry(new ZipEntry(entry.getName()));
        in.getInputStream(entry).transferTo(zip);
        zip.closeEntry();
      }
      for (final Map.Entry<String, byte[]> file : files.entrySet()) {
        zip.putNextEntry(new ZipEntry(prefix + file.getKey()));
        zip.write(file.getValue());
        zip.closeEntry();
      }
    }
    return out;
  }
}
