package dev.tailor.tracer.bpf;

import dev.tailor.tracer.call.SyscallModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A socket address the kernel's record holds as bytes, written as strace writes the struct. */
final class SockaddrText {
  private SockaddrText() {}

  static String of(byte[] raw) {
    if (raw.length < 2) {
      return "{sa_family=AF_UNSPEC}";
    }
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
    int family = Short.toUnsignedInt(b.getShort(0));
    String name = SyscallModel.FAMILIES.name(family).orElse(Integer.toString(family));
    switch (family) {
      case 1 -> {
        // sun_path: up to the first NUL; a leading NUL makes it abstract (strace: @"name")
        if (raw.length <= 2) {
          return "{sa_family=AF_UNIX}";
        }
        boolean abstractName = raw[2] == 0;
        int from = abstractName ? 3 : 2;
        int to = from;
        while (to < raw.length && (abstractName || raw[to] != 0)) {
          to++;
        }
        byte[] path = java.util.Arrays.copyOfRange(raw, from, to);
        return "{sa_family=AF_UNIX, sun_path=" + (abstractName ? "@" : "") + CallText.quote(path) + "}";
      }
      case 2 -> {
        if (raw.length < 8) {
          return "{sa_family=AF_INET}";
        }
        int port = ((raw[2] & 0xff) << 8) | (raw[3] & 0xff);
        String ip = (raw[4] & 0xff) + "." + (raw[5] & 0xff) + "." + (raw[6] & 0xff) + "." + (raw[7] & 0xff);
        return "{sa_family=AF_INET, sin_port=htons(" + port + "), sin_addr=inet_addr(\"" + ip + "\")}";
      }
      case 10 -> {
        if (raw.length < 24) {
          return "{sa_family=AF_INET6}";
        }
        int port = ((raw[2] & 0xff) << 8) | (raw[3] & 0xff);
        byte[] addr = java.util.Arrays.copyOfRange(raw, 8, 24);
        String ip;
        try {
          ip = java.net.InetAddress.getByAddress(addr).getHostAddress();
        } catch (java.net.UnknownHostException e) {
          ip = "?";
        }
        return "{sa_family=AF_INET6, sin6_port=htons(" + port + "), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, \""
            + compress(ip) + "\", &sin6_addr), sin6_scope_id=0}";
      }
      case 16 -> {
        long pid = raw.length >= 8 ? Integer.toUnsignedLong(b.getInt(4)) : 0;
        return "{sa_family=AF_NETLINK, nl_pid=" + pid + ", nl_groups=00000000}";
      }
      default -> {
        return "{sa_family=" + name + "}";
      }
    }
  }

  /** Java writes 0:0:0:0:0:0:0:1; strace (inet_ntop) writes ::1. */
  private static String compress(String ip) {
    String s = ip.replaceAll("%.*$", "");
    String best = null;
    for (String run : new String[] {"0:0:0:0:0:0:0:0", "0:0:0:0:0:0:0", "0:0:0:0:0:0", "0:0:0:0:0", "0:0:0:0", "0:0:0", "0:0"}) {
      String padded = ":" + s + ":";
      int at = padded.indexOf(":" + run + ":");
      if (at >= 0) {
        best = (padded.substring(0, at) + "::" + padded.substring(at + run.length() + 2)).replaceAll("^:(?!:)", "").replaceAll("(?<!:):$", "");
        break;
      }
    }
    return best == null ? s : best;
  }
}
