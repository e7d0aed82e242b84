package io.github.streamsmarts.udf.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A verified model directory (contracts/MODEL-FORMAT.md, {@code stream-smarts/bands@3}): its tables
 * computed from {@code bands.zip} and checked, and its identity, the contentHash. Immutable.
 */
public final class Model {

  public static final String FORMAT = "stream-smarts/bands@3";
  /** The format before bands@3, refused with a message saying how to get a new model. */
  public static final String BANDS2_FORMAT = "stream-smarts/bands@2";
  /** The format before bands@2 (lower.zip and upper.zip), refused the same way. */
  public static final String LEGACY_FORMAT = "stream-smarts/envelope@1";
  /** What every refusal of an old format says to do. */
  static final String RETRAIN = "retrain with `stream-smarts train`, which writes " + FORMAT
      + " (bands.zip), and deploy the new model";

  private final Bands bands;
  private final String contentHash;
  private final String origin;

  private Model(final Bands bands, final String contentHash, final String origin) {
    this.bands = bands;
    this.contentHash = contentHash;
    this.origin = origin;
  }

  /**
   * Reads and checks the directory: envelope.json must be this format and its contentHash the
   * SHA-256 of bands.zip's bytes (so a jar never scores with a MOJO other than the one named), then
   * every band at every minute is predicted with genmodel and checked (see {@link Bands#of}).
   */
  public static Model load(final ModelSource source) {
    refuseLegacy(source);
    final byte[] envelopeJson = source.read(ModelSource.ENVELOPE);
    final String declared = declaredHash(envelopeJson, source.describe(ModelSource.ENVELOPE));
    final byte[] mojo = source.read(ModelSource.BANDS);
    final String actual = contentHash(mojo);
    if (!actual.equals(declared)) {
      throw new ModelException("contentHash mismatch: " + source.describe(ModelSource.ENVELOPE)
          + " says " + declared + " but " + source.describe(ModelSource.BANDS) + " hashes to "
          + actual + " (the files are from different models, were modified, or are still being"
          + " copied)");
    }
    final Bands bands = BandsMojo.bands(mojo, source.describe(ModelSource.BANDS));
    return new Model(bands, actual, source.describe(""));
  }

  /**
   * The tables from bands.zip alone, for the envelope command: no envelope.json needed (a
   * bands@2 MOJO is recognised by its band names, see {@link BandsMojo#read}).
   */
  public static Bands bandsOnly(final ModelSource source) {
    refuseLegacy(source);
    return BandsMojo.bands(source.read(ModelSource.BANDS), source.describe(ModelSource.BANDS));
  }

  /** A directory with the old two MOJOs and no bands.zip is an envelope@1 model. */
  private static void refuseLegacy(final ModelSource source) {
    if (!source.has(ModelSource.BANDS)
        && (source.has(ModelSource.LEGACY_LOWER) || source.has(ModelSource.LEGACY_UPPER))) {
      throw legacy(source.describe(""));
    }
  }

  private static ModelException legacy(final String where) {
    return new ModelException(where + " holds a " + LEGACY_FORMAT + " model (lower.zip and"
        + " upper.zip), a format this UDF no longer reads: " + RETRAIN);
  }

  /** Lower-case hex SHA-256 of bands.zip's bytes (MODEL-FORMAT's contentHash). */
  public static String contentHash(final byte[] mojo) {
    try {
      final MessageDigest sha = MessageDigest.getInstance("SHA-256");
      final StringBuilder hex = new StringBuilder(64);
      for (final byte b : sha.digest(mojo)) {
        hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return hex.toString();
    } catch (final NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * The contentHash envelope.json declares, after checking its format. {@code name} says which
   * file it is, for messages.
   */
  public static String declaredHash(final byte[] json, final String name) {
    final JsonObject root;
    try {
      final JsonElement parsed = JsonParser.parseString(new String(json, StandardCharsets.UTF_8));
      if (!parsed.isJsonObject()) {
        throw new ModelException(name + " is not a JSON object");
      }
      root = parsed.getAsJsonObject();
    } catch (final ModelException e) {
      throw e;
    } catch (final RuntimeException e) {
      throw new ModelException(name + " is not valid JSON: " + e.getMessage(), e);
    }
    final String format = string(root, "format");
    if (LEGACY_FORMAT.equals(format)) {
      throw legacy(name);
    }
    if (BANDS2_FORMAT.equals(format)) {
      throw new ModelException(name + " holds a " + BANDS2_FORMAT + " model, a format this UDF no"
          + " longer reads: " + RETRAIN);
    }
    if (!FORMAT.equals(format)) {
      throw new ModelException(name + " has format " + format + "; expected " + FORMAT);
    }
    final String hash = string(root, "contentHash");
    if (hash == null || !hash.matches("[0-9a-f]{64}")) {
      throw new ModelException(name + " has no valid contentHash (64 lower-case hex, the SHA-256"
          + " of bands.zip)");
    }
    return hash;
  }

  private static String string(final JsonObject root, final String key) {
    final JsonElement value = root.get(key);
    return value != null && value.isJsonPrimitive() ? value.getAsString() : null;
  }

  public Bands bands() {
    return bands;
  }

  /** The full 64-hex SHA-256 of bands.zip. */
  public String contentHash() {
    return contentHash;
  }

  /** Where it was loaded from, for messages. */
  public String origin() {
    return origin;
  }
}
