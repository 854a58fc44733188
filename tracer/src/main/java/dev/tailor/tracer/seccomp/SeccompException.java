package dev.tailor.tracer.seccomp;

/** libseccomp is missing, or refused a profile or a filter. */
public class SeccompException extends Exception {
  private static final long serialVersionUID = 1L;

  public SeccompException(String message) {
    super(message);
  }

  public SeccompException(String message, Throwable cause) {
    super(message, cause);
  }
}
