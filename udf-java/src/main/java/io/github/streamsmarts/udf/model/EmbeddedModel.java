package io.github.streamsmarts.udf.model;

/**
 * The model built into the jar, loaded at most once per JVM (per class loader), on first use and
 * thread-safely: the JVM runs {@link Holder}'s initialiser exactly once. The outcome, model or
 * failure, is kept, so a broken model is reported with the same message every time instead of
 * the NoClassDefFoundError a failed class initialiser would leave behind.
 */
public final class EmbeddedModel {

  private EmbeddedModel() {
  }

  private static final class Holder {
    static final Model MODEL;
    static final ModelException FAILURE;

    static {
      Model model = null;
      ModelException failure = null;
      try {
        model = Model.load(ModelSource.embedded());
      } catch (final ModelException e) {
        failure = e;
      } catch (final RuntimeException | LinkageError e) {
        failure = new ModelException("cannot load the model embedded in the UDF jar: " + e, e);
      }
      MODEL = model;
      FAILURE = failure;
    }
  }

  /** The embedded model; fails with a message naming the missing or broken resource. */
  public static Model get() {
    if (Holder.FAILURE != null) {
      throw new ModelException(Holder.FAILURE.getMessage(), Holder.FAILURE);
    }
    return Holder.MODEL;
  }

  /** The embedded model, or null when it is absent or broken. */
  public static Model orNull() {
    return Holder.MODEL;
  }
}
