package dev.tailor.tracer.bpf;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.PathText;
import dev.tailor.tracer.call.Effect;
import dev.tailor.tracer.call.Effect.Capable;
import dev.tailor.tracer.call.Effect.SocketAddress;
import dev.tailor.tracer.call.Effect.SocketOpen;
import dev.tailor.tracer.call.Effect.SocketPath;
import dev.tailor.tracer.call.SocketKind;
import dev.tailor.tracer.call.SyscallModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decodes the kernel's socket calls (socket, socketpair, bind, connect) into what they did: socket
 * kinds by AppArmor's names, and addresses read from the workload's memory as strace prints them.
 */
final class SocketCallDecoder {
  private SocketCallDecoder() {}

  /** A socket that was made, and net_raw for a raw or packet one. */
  static void socket(KernelEvent e, List<Effect> out) {
    SocketKind kind = socketKind(e.args()[0], e.args()[1]);
    out.add(new SocketOpen(kind));
    if (kind.needsNetRaw()) {
      out.add(
          new Capable(
              "net_raw",
              "socket("
                  + PrivilegeCallDecoder.number(e.args()[0])
                  + ", "
                  + PrivilegeCallDecoder.number(e.args()[1])
                  + ")"));
    }
  }

  /** A connect that worked or is under way: the peer's address, and its socket file. */
  static void connect(KernelEvent e, List<Effect> out) {
    if (e.has(0)) {
      Address a = address(e.parts()[0]);
      out.add(a.named(false));
      a.path().ifPresent(p -> out.add(new SocketPath(p, Access.WRITE)));
    }
  }

  /** A bind that worked: the address it named, and its privileged port or socket file. */
  static void bind(KernelEvent e, List<Effect> out) {
    if (!e.has(0)) {
      return;
    }
    Address a = address(e.parts()[0]);
    out.add(a.named(true));
    if (a.port() > 0
        && a.port() < 1024
        && (a.family().equals("inet") || a.family().equals("inet6"))) {
      out.add(
          new Capable("net_bind_service", "bind to port " + a.port() + " (" + a.address() + ")"));
    }
    a.path().ifPresent(p -> out.add(new SocketPath(p, Access.CREATE)));
  }

  private static SocketKind socketKind(long family, long type) {
    String t = SyscallModel.SOCKET_TYPES.name(type & SyscallModel.SOCK_TYPE_MASK).orElse("");
    String typeName =
        switch (t) {
          case "SOCK_STREAM",
              "SOCK_DGRAM",
              "SOCK_RAW",
              "SOCK_SEQPACKET",
              "SOCK_RDM",
              "SOCK_PACKET" ->
              t.substring(5).toLowerCase(Locale.ROOT);
          default -> "unknown";
        };
    return new SocketKind(familyName(family), typeName);
  }

  /** AppArmor's name of an address family ({@code inet}, {@code unix}), or {@code unknown}. */
  private static String familyName(long family) {
    String n = SyscallModel.FAMILIES.name(family).orElse("");
    if (n.startsWith("AF_") || n.startsWith("PF_")) {
      String f = n.substring(3).toLowerCase(Locale.ROOT);
      return f.equals("local") || f.equals("file") ? "unix" : f;
    }
    return "unknown";
  }

  /**
   * A socket address read from the workload's memory (the call's part 0, read whole).
   *
   * @param address printable: {@code 127.0.0.1:80}, {@code [::1]:80}, a unix path in {@link
   *     PathText} form ({@code @name} when abstract), {@code pid=N} for netlink
   * @param port the inet port, or -1
   * @param path the path of a unix socket that names a file
   */
  private record Address(String family, String address, int port, Optional<String> path) {
    /** An address with no port and no file. */
    Address(String family, String address) {
      this(family, address, -1, Optional.empty());
    }

    /** What a call that named this address did: bound it, or connected to it. */
    SocketAddress named(boolean bound) {
      return new SocketAddress(new SocketKind(family, SocketKind.ANY_TYPE), bound, address);
    }
  }

  private static Address address(byte[] raw) {
    if (raw.length < 2) {
      return new Address("unspec", "unspec");
    }
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
    int family = Short.toUnsignedInt(b.getShort(0));
    String name = familyName(family);
    // sin_port and sin6_port, in network byte order
    int port = raw.length < 4 ? -1 : ((raw[2] & 0xff) << 8) | (raw[3] & 0xff);
    return switch (family) {
      case 1 -> {
        if (raw.length <= 2) {
          yield new Address(name, "(unnamed)");
        }
        // sun_path: up to the first NUL; a leading NUL makes it abstract
        boolean abstractName = raw[2] == 0;
        int from = abstractName ? 3 : 2;
        int to = from;
        while (to < raw.length && (abstractName || raw[to] != 0)) {
          to++;
        }
        String path = new String(raw, from, to - from, StandardCharsets.ISO_8859_1);
        yield abstractName
            ? new Address(name, "@" + PathText.escape(path))
            : new Address(name, PathText.escape(path), -1, Optional.of(path));
      }
      case 2 -> {
        if (raw.length < 8) {
          yield new Address(name, "?:-1");
        }
        String ip =
            (raw[4] & 0xff) + "." + (raw[5] & 0xff) + "." + (raw[6] & 0xff) + "." + (raw[7] & 0xff);
        yield new Address(name, ip + ":" + port, port, Optional.empty());
      }
      case 10 -> {
        if (raw.length < 24) {
          yield new Address(name, "[?]:-1");
        }
        String ip = inet6(Arrays.copyOfRange(raw, 8, 24));
        yield new Address(name, "[" + ip + "]:" + port, port, Optional.empty());
      }
      case 16 ->
          new Address(name, "pid=" + (raw.length >= 8 ? Integer.toUnsignedLong(b.getInt(4)) : 0));
      default -> new Address(name, name);
    };
  }

  /**
   * An IPv6 address as strace prints it (glibc's inet_ntop): hex groups, the first longest run of
   * two or more zero groups as {@code ::}, and the IPv4 part of a mapped ({@code ::ffff:a.b.c.d})
   * or compatible ({@code ::a.b.c.d}) address dotted.
   */
  static String inet6(byte[] a) {
    int[] w = new int[8];
    int base = -1;
    int len = 0;
    for (int i = 0; i < 8; i++) {
      w[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
    }
    for (int i = 0, j; i < 8; i = Math.max(j, i + 1)) {
      for (j = i; j < 8 && w[j] == 0; j++) {}
      if (j - i >= 2 && j - i > len) {
        base = i;
        len = j - i;
      }
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i >= base && i < base + len) {
        s.append(i == base ? ":" : "");
        continue;
      }
      s.append(i == 0 ? "" : ":");
      if (i == 6 && base == 0 && (len == 6 || (len == 5 && w[5] == 0xffff))) {
        return s
            + String.format("%d.%d.%d.%d", a[12] & 0xff, a[13] & 0xff, a[14] & 0xff, a[15] & 0xff);
      }
      s.append(Integer.toHexString(w[i]));
    }
    return s.append(base >= 0 && base + len == 8 ? ":" : "").toString();
  }
}
