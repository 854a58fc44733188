package dev.tailor.generator.apparmor;

import java.util.Set;

/**
 * One {@code network FAMILY [TYPE],} rule.
 *
 * @param type {@code stream}, {@code dgram}, {@code raw}, {@code seqpacket}, {@code rdm}, or empty
 *     for every type of the family
 */
public record NetworkRule(String family, String type) implements Comparable<NetworkRule> {
  /** The families apparmor_parser 3.0 knows. */
  static final Set<String> FAMILIES =
      Set.of(
          "unix",
          "inet",
          "ax25",
          "ipx",
          "appletalk",
          "netrom",
          "bridge",
          "atmpvc",
          "x25",
          "inet6",
          "rose",
          "netbeui",
          "security",
          "key",
          "netlink",
          "packet",
          "ash",
          "econet",
          "atmsvc",
          "rds",
          "sna",
          "irda",
          "pppox",
          "wanpipe",
          "llc",
          "ib",
          "mpls",
          "can",
          "tipc",
          "bluetooth",
          "iucv",
          "rxrpc",
          "isdn",
          "phonet",
          "ieee802154",
          "caif",
          "alg",
          "nfc",
          "vsock",
          "kcm",
          "qipcrtr",
          "smc",
          "xdp",
          "mctp");

  static final Set<String> TYPES = Set.of("stream", "dgram", "raw", "seqpacket", "rdm", "packet");

  public NetworkRule {
    if (!FAMILIES.contains(family)) {
      throw new IllegalArgumentException("unknown network family: " + family);
    }
    if (!type.isEmpty() && !TYPES.contains(type)) {
      throw new IllegalArgumentException("unknown socket type: " + type);
    }
  }

  @Override
  public int compareTo(NetworkRule o) {
    int c = family.compareTo(o.family);
    return c != 0 ? c : type.compareTo(o.type);
  }
}
