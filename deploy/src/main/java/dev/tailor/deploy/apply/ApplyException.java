package dev.tailor.deploy.apply;

/** A profile cannot be applied; the container must not start. The message is one line. */
public final class ApplyException extends Exception {
  private static final long serialVersionUID = 1L;

  public ApplyException(String message) {
    super(message);
  }

  public ApplyException(String message, Throwable cause) {
    super(message, cause);
  }
}
