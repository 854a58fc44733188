package dev.tailor.tracer.call;

/**
 * A socket's family and type as AppArmor names them ({@code inet}, {@code stream}).
 *
 * @param type {@code stream}, {@code dgram}, ..., {@code unknown}; {@link #ANY_TYPE} where only the
 *     family is known (an address on an fd of unknown kind)
 */
public record SocketKind(String family, String type) {
  /** The type of an address whose socket's type the call does not say. */
  public static final String ANY_TYPE = "?";

  /** Whether making such a socket needs CAP_NET_RAW. */
  public boolean needsNetRaw() {
    return (type.equals("raw") && (family.equals("inet") || family.equals("inet6")))
        || family.equals("packet");
  }

  /** The key a recording gives sockets of this kind: {@code family type}. */
  public String key() {
    return family + " " + type;
  }
}
