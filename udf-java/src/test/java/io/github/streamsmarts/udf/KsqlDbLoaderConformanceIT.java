package io.github.streamsmarts.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 *       configure(KsqlConfig.getKsqlFunctionsConfigProps(name)): the keys starting
 *       {@code ksql.functions.<name>} (lower-cased), unstripped.</li>
 * </ul>
 */
class KsqlDbLoaderConformanceIT {

  /** UdfUtil.JAVA_TO_ARG_TYPE in ksqldb-execution 8.4: the Java types a UDF may take or return. */
  private static final Set<Type> SUPPORTED = Set.of(
      String.class, boolean.class, Boolean.class, Integer.class, int.class, Long.class, long.class,
      Double.class, double.class, BigDecimal.class, Date.class, Timestamp.class, Time.class,
      TimeUnit.class, ByteBuffer.class);

  /** The two SQL functions and the overloads each must offer (SQL types, in order). */
  private static final Map<String, Set<List<Class<?>>>> EXPECTED = Map.of(
      "ANOMOLY_POWER", Set.of(List.of(Double.class, Double.class),
          List.of(Integer.class, Integer.class, Double.class)),
      "ANOMALY_POWER", Set.of(List.of(Double.class, Double.class),
          List.of(Integer.class, Integer.class, Double.class)));

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
      assertTrue(Configurable.class.isAssignableFrom(udf));
      assertTrue(Modifier.isPublic(udf.getModifiers()));

      final Set<List<Class<?>>> signatures = new HashSet<>();
      for (final Method method : udf.getMethods()) {
        if (method.getAnnotation(Udf.class) == null) {
          continue;
        }
        assertTrue(Modifier.isPublic(method.getDeclaringClass().getModifiers()));
        assertNotNull(method.getDeclaringClass().getConstructor().newInstance(),
            "public no-arg constructor on " + method.getDeclaringClass());
        assertTrue(SUPPORTED.contains(method.getGenericReturnType()), method.toString());
        assertFalse(method.isVarArgs());
        final Parameter[] parameters = method.getParameters();
        for (int i = 0; i < parameters.length; i++) {
          final UdfParameter doc = parameters[i].getAnnotation(UdfParameter.class);
          assertNotNull(doc, method + " parameter " + i + " has no @UdfParameter");
          assertFalse(doc.value().isBlank(), method + " parameter " + i + " has no name");
          assertFalse(doc.description().isBlank(), method + " parameter " + i);
          assertTrue(doc.schema().isEmpty());
          assertTrue(SUPPORTED.contains(method.getGenericParameterTypes()[i]), method.toString());
          // Boxed, so that a NULL column reaches the method instead of failing the call.
          assertFalse(parameters[i].getType().isPrimitive(), method.toString());
        }
        assertTrue(signatures.add(List.of(method.getParameterTypes())),
            "two overloads with the same parameter types: " + method);
      }
      assertEquals(EXPECTED.get(entry.getKey()), signatures, entry.getKey());
    }
  }

  @Test
  void scoresThroughReflectionWithAModelNamedByFunctionConfig() throws Exception {
    final Map<String, Class<?>> udfs = scan(load(builtJar()));
    for (final Map.Entry<String, Class<?>> entry : udfs.entrySet()) {
      final String name = entry.getKey().toLowerCase();
      final Object udf = entry.getValue().getConstructor().newInstance();
      // What KsqlConfig.getKsqlFunctionsConfigProps hands over: this function's keys, unstripped.
      final Map<String, Object> props = new HashMap<>();
      props.put("ksql.functions." + name + ".model.path", Fixture.modelDir().toString());
      ((Configurable) udf).configure(props);

      final Method byHour = method(entry.getValue(), 2);
      final Method byCell = method(entry.getValue(), 3);
      assertEquals(5.4588, (Double) byHour.invoke(udf, 4.0, 1500.0), 1e-3);
      assertEquals(0.6914, (Double) byHour.invoke(udf, 9.0, 1500.0), 1e-3);
      assertNotNull(byCell.invoke(udf, 3, 9, 1500.0));
      assertNull(byHour.invoke(udf, 4.5, 1500.0));
      assertNull(byHour.invoke(udf, null, 1500.0));
      assertNull(byCell.invoke(udf, 8, 9, 1500.0));
      assertNull(byCell.invoke(udf, 3, 9, Double.NaN));
    }
  }

  @Test
  void aModelBuiltIntoTheJarIsUsedWithoutConfigAndNamedInTheVersion() throws Exception {
    final Path jar = withEmbeddedFixture(builtJar(), temp.resolve("with-model.jar"));
    final Map<String, Class<?>> udfs = scan(load(jar));
    final Class<?> udf = udfs.get("ANOMOLY_POWER");
    final Object instance = udf.getConstructor().newInstance();
    ((Configurable) instance).configure(Map.of());
    assertEquals(5.4588, (Double) method(udf, 2).invoke(instance, 4.0, 1500.0), 1e-3);
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
        "lower.zip", "garbage".getBytes(),
        "upper.zip", Files.readAllBytes(Fixture.modelDir().resolve("upper.zip"))));
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
    for (final String name : new String[] {"lower.zip", "upper.zip", "envelope.json"}) {
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
