package dev.tailor.tracer;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

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
    local = Collections.unmodifiableSortedSet(new TreeSet<>(local));
    peers = Collections.unmodifiableSortedSet(new TreeSet<>(peers));
    runs = Collections.unmodifiableSortedSet(new TreeSet<>(runs));
  }

  /** The key that identifies this use in a {@link Recording}: {@code family type}. */
  public String key() {
    return family + " " + type;
  }

  /** The union of two uses with the same key. */
  public SocketUse merge(SocketUse other) {
    TreeSet<String> l = new TreeSet<>(local);
    l.addAll(other.local);
    TreeSet<String> p = new TreeSet<>(peers);
    p.addAll(other.peers);
    TreeSet<String> r = new TreeSet<>(runs);
    r.addAll(other.runs);
    return new SocketUse(family, type, l, p, count + other.count, r);
  }
}
