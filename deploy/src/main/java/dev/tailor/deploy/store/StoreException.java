package dev.tailor.deploy.store;

/** A profile the store was asked for that is not there, not readable, or not allowed. */
public final class StoreException extends Exception {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
