package dev.tailor.tracer.record;

import dev.tailor.tracer.PathText;
import dev.tailor.tracer.call.SocketKind;
import dev.tailor.tracer.call.SyscallModel;
import dev.tailor.tracer.call.ValueNames;
import dev.tailor.tracer.strace.StraceText;
import java.util.Optional;

/**
 * How strace writes socket families, types, {@code -yy} socket decorations and sockaddr structs.
 */
final class SocketText {
  private SocketText() {}

  static String family(String token) {
    // A raw trace: the kernel's number.
    String t =
        ValueNames.number(token)
            .map(n -> SyscallModel.FAMILIES.name(n).orElse("unknown"))
            .orElse(token.trim());
    if (t.startsWith("AF_") || t.startsWith("PF_")) {
      String f = t.substring(3).toLowerCase(java.util.Locale.ROOT);
      return f.equals("local") || f.equals("file") ? "unix" : f;
    }
    return "unknown";
  }

  static String type(String token) {
    String t =
        ValueNames.number(token)
            .map(
                n ->
                    SyscallModel.SOCKET_TYPES
                        .name(n & SyscallModel.SOCK_TYPE_MASK)
                        .orElse("unknown"))
            .orElse(token.trim());
    for (String s : new String[] {"STREAM", "DGRAM", "RAW", "SEQPACKET", "RDM", "PACKET"}) {
      if (StraceText.hasFlag(t, "SOCK_" + s)) {
        return s.toLowerCase(java.util.Locale.ROOT);
      }
    }
    return "unknown";
  }

  /**
   * The socket kind of an fd decorated by {@code -yy} ({@code TCP:[...]}, {@code
   * UNIX-STREAM:[...]}), or empty when the decoration does not say.
   */
  static Optional<SocketKind> decoratedKind(String token) {
    return StraceText.decoration(token)
        .filter(d -> d.indexOf(':') >= 0)
        .map(
            d ->
                switch (d.substring(0, d.indexOf(':'))) {
                  case "TCP" -> new SocketKind("inet", "stream");
                  case "TCPv6" -> new SocketKind("inet6", "stream");
                  case "UDP", "UDPLITE", "PING" -> new SocketKind("inet", "dgram");
                  case "UDPv6", "UDPLITEv6", "PINGv6" -> new SocketKind("inet6", "dgram");
                  case "RAW" -> new SocketKind("inet", "raw");
                  case "RAWv6" -> new SocketKind("inet6", "raw");
                  case "UNIX-STREAM" -> new SocketKind("unix", "stream");
                  case "UNIX-DGRAM" -> new SocketKind("unix", "dgram");
                  case "UNIX-SEQPACKET" -> new SocketKind("unix", "seqpacket");
                  case "NETLINK" -> new SocketKind("netlink", "raw");
                  case "PACKET" -> new SocketKind("packet", "raw");
                  default -> null;
                });
  }

  /** {family, printable address} of a sockaddr struct. */
  static Optional<String[]> address(String struct) {
    return StraceText.field(struct, "sa_family")
        .map(SocketText::family)
        .map(family -> new String[] {family, where(family, struct)});
  }

  private static String where(String family, String struct) {
    return switch (family) {
      case "inet" ->
          StraceText.field(struct, "sin_addr").map(SocketText::insideQuotes).orElse("?")
              + ":"
              + port(struct);
      case "inet6" -> {
        int at = struct.indexOf("inet_pton(AF_INET6, ");
        yield "[" + (at < 0 ? "?" : insideQuotes(struct.substring(at))) + "]:" + port(struct);
      }
      case "unix" -> {
        String p = StraceText.field(struct, "sun_path").orElse("");
        yield p.startsWith("@")
            ? "@" + StraceText.unquote(p.substring(1)).map(PathText::escape).orElse("")
            : StraceText.unquote(p).map(PathText::escape).orElse("(unnamed)");
      }
      case "netlink" -> "pid=" + StraceText.field(struct, "nl_pid").orElse("?");
      default -> family;
    };
  }

  private static String insideQuotes(String s) {
    int q = s.indexOf('"');
    int e = q < 0 ? -1 : s.indexOf('"', q + 1);
    return q < 0 || e < 0 ? "?" : StraceText.printable(s.substring(q + 1, e), 64);
  }

  static int port(String struct) {
    Optional<String> p =
        StraceText.field(struct, "sin_port").or(() -> StraceText.field(struct, "sin6_port"));
    if (p.isEmpty()) {
      return -1;
    }
    String v = p.get();
    int open = v.indexOf('(');
    int close = v.indexOf(')');
    try {
      return Integer.parseInt(open >= 0 && close > open ? v.substring(open + 1, close) : v);
    } catch (NumberFormatException ex) {
      return -1;
    }
  }
}
