package io.github.streamsmarts.udf.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** A verified model directory: its envelope computed from its MOJOs, and its identity. */
public final class Model {

  public static final String FORMAT = "stream-smarts/envelope@1";

  private final Envelope envelope;
  private final String contentHash;
  private final String origin;

  private Model(final Envelope envelope, final String contentHash, final String origin) {
    this.envelope = envelope;
    this.contentHash = contentHash;
    this.origin = origin;
  }

  /**
   * Reads and checks the three files: envelope.json must be this format and its contentHash must
   * be the SHA-256 of lower.zip's bytes then upper.zip's, so a jar can never score with MOJOs other
   * than the ones its version string names.
   */
  public static Model load(final ModelSource source) {
    final byte[] envelopeJson = source.read(ModelSource.ENVELOPE);
    final byte[] lower = source.read(ModelSource.LOWER);
    final byte[] upper = source.read(ModelSource.UPPER);
    final String declared = declaredHash(envelopeJson, source.describe(ModelSource.ENVELOPE));
    final String actual = contentHash(lower, upper);
    if (!actual.equals(declared)) {
      throw new ModelException("contentHash mismatch: " + source.describe(ModelSource.ENVELOPE)
          + " says " + declared + " but " + source.describe(ModelSource.LOWER) + " then "
          + source.describe(ModelSource.UPPER) + " hash to " + actual
          + " (the files are from different models, or were modified)");
    }
    final Envelope envelope = Envelope.fromMojos(
        lower, source.describe(ModelSource.LOWER), upper, source.describe(ModelSource.UPPER));
    return new Model(envelope, actual, source.describe(""));
  }

  /** Lower-case hex SHA-256 of lower.zip's bytes followed by upper.zip's (MODEL-FORMAT). */
  public static String contentHash(final byte[] lower, final byte[] upper) {
    try {
      final MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(lower);
      sha.update(upper);
      final StringBuilder hex = new StringBuilder(64);
      for (final byte b : sha.digest()) {
        hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return hex.toString();
    } catch (final NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String declaredHash(final byte[] json, final String name) {
    final JsonObject root;
    try {
      final JsonElement parsed = JsonParser.parseString(new String(json, StandardCharsets.UTF_8));
      if (!parsed.isJsonObject()) {
        throw new ModelException(name + " is not a JSON object");
      }
      root = parsed.getAsJsonObject();
    } catch (final RuntimeException e) {
      if (e instanceof ModelException) {
        throw e;
      }
      throw new ModelException(name + " is not valid JSON: " + e.getMessage(), e);
    }
    final String format = string(root, "format");
    if (!FORMAT.equals(format)) {
      throw new ModelException(name + " has format " + format + "; expected " + FORMAT);
    }
    final String hash = string(root, "contentHash");
    if (hash == null || !hash.matches("[0-9a-f]{64}")) {
      throw new ModelException(name + " has no valid contentHash (64 lower-case hex)");
    }
    return hash;
  }

  private static String string(final JsonObject root, final String key) {
    final JsonElement value = root.get(key);
    return value != null && value.isJsonPrimitive() ? value.getAsString() : null;
  }

  public Envelope envelope() {
    return envelope;
  }

  public String contentHash() {
    return contentHash;
  }

  /** Where it was loaded from, for messages. */
  public String origin() {
    return origin;
  }
}
