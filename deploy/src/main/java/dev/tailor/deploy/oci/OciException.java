package dev.tailor.deploy.oci;

/** An OCI document (state, config) that is missing, unreadable or not what it should be. */
public final class OciException extends Exception {
  private static final long serialVersionUID = 1L;

  public OciException(String message) {
    super(message);
  }

  public OciException(String message, Throwable cause) {
    super(message, cause);
  }
}
