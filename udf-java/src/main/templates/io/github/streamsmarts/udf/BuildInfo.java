package io.github.streamsmarts.udf;

/**
 * Filled in by the build (pom.xml, execution embed-model) from the project version and the
 * embedded model's envelope.json: annotation values must be compile-time constants, so the model's
 * hash cannot be read at run time for {@code UdfDescription.version}.
 */
public final class BuildInfo {

  /** {@code <jar version>+model.<first 12 hex of contentHash>}, or {@code +model.none}. */
  public static final String VERSION = "@JAR_VERSION@+model.@MODEL_HASH@";

  /** First 12 hex of the embedded model's contentHash, or {@code none}. */
  public static final String MODEL_HASH_PREFIX = "@MODEL_HASH@";

  private BuildInfo() {
  }
}
