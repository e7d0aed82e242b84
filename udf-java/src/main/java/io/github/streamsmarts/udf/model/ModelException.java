package io.github.streamsmarts.udf.model;

/** A model that cannot be used; the message names the file or resource at fault. */
public final class ModelException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ModelException(final String message) {
    super(message);
  }

  public ModelException(final String message, final Throwable cause) {
    super(message, cause);
  }
}
