package dev.tailor.tracer;

import java.util.SortedSet;

/**
 * Sockets of one family and type, with the addresses they were bound to and connected to.
 *
 * @param family AppArmor's family name: {@code inet}, {@code inet6}, {@code unix}, {@code netlink},
 *     {@code packet}, ...
 * @param type {@code stream}, {@code dgram}, {@code raw}, {@code seqpacket}, or {@code unknown}
 *     where only a decoration was seen
 * @param local addresses bound to, in {@code host:port} or path form ({@link PathText} for paths)
 * @param peers addresses connected or sent to
 */
public record SocketUse(
    String family,
    String type,
    SortedSet<String> local,
    SortedSet<String> peers,
    long count,
    SortedSet<String> runs) {
  public SocketUse {
    local = SortedCopies.of(local);
    peers = SortedCopies.of(peers);
    runs = SortedCopies.of(runs);
  }

  /** The key that identifies this use in a {@link Recording}: {@code family type}. */
  public String key() {
    return family + " " + type;
  }

  /** The union of two uses with the same key. */
  public SocketUse merge(SocketUse other) {
    return new SocketUse(
        family,
        type,
        SortedCopies.union(local, other.local),
        SortedCopies.union(peers, other.peers),
        count + other.count,
        SortedCopies.union(runs, other.runs));
  }
}
