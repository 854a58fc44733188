package dev.tailor.deploy.export;

/** A profile folder cannot be exported in the format asked for; the message is one line. */
public final class ExportException extends Exception {
  private static final long serialVersionUID = 1L;

  public ExportException(String message) {
    super(message);
  }

  public ExportException(String message, Throwable cause) {
    super(message, cause);
  }
}
