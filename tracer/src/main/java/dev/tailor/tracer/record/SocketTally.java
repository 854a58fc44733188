package dev.tailor.tracer.record;

import dev.tailor.tracer.SocketUse;
import dev.tailor.tracer.call.Effect.SocketAddress;
import dev.tailor.tracer.call.SocketKind;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@link Recorder}'s sockets by kind, and the addresses they bound or reached, assembled into
 * {@link SocketUse}s at the end.
 */
final class SocketTally {
  private final Map<SocketKind, SockAcc> sockets = new HashMap<>();

  /** Addresses of sockets; a set, so repeated sends add nothing. */
  private final Set<SocketAddress> pendingAddresses = new LinkedHashSet<>();

  static final class SockAcc {
    final TreeSet<String> local = new TreeSet<>();
    final TreeSet<String> peers = new TreeSet<>();

    /** Sockets made, counted again on each repeat of the call. */
    long count;
  }

  /** Counts a socket made; the counter, to count again on each repeat of the call. */
  SockAcc count(SocketKind kind) {
    SockAcc s = sockets.computeIfAbsent(kind, k -> new SockAcc());
    s.count++;
    return s;
  }

  /** Notes a socket of a kind an fd showed (attach: its socket() not seen). */
  void seen(SocketKind kind) {
    sockets.computeIfAbsent(kind, k -> new SockAcc());
  }

  /** Adds a socket address. */
  void address(SocketAddress address) {
    pendingAddresses.add(address);
  }

  /** The uses of every socket kind, an address of a family whose type is unknown given to one. */
  TreeMap<String, SocketUse> toUses(SortedSet<String> runs) {
    TreeMap<String, SockAcc> socks = new TreeMap<>();
    sockets.forEach((k, v) -> socks.put(k.key(), v));
    for (SocketAddress p : pendingAddresses) {
      String key = p.kind().key();
      if (p.kind().type().equals(SocketKind.ANY_TYPE)) {
        String family = p.kind().family();
        key =
            socks.keySet().stream()
                .filter(k -> k.startsWith(family + " "))
                .findFirst()
                .orElse(family + " unknown");
      }
      SockAcc s = socks.computeIfAbsent(key, k -> new SockAcc());
      (p.local() ? s.local : s.peers).add(p.address());
    }
    TreeMap<String, SocketUse> ss = new TreeMap<>();
    socks.forEach(
        (k, s) -> {
          int sp = k.indexOf(' ');
          ss.put(
              k,
              new SocketUse(
                  k.substring(0, sp), k.substring(sp + 1), s.local, s.peers, s.count, runs));
        });
    return ss;
  }
}
