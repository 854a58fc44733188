package dev.tailor.tracer.record;

import dev.tailor.tracer.event.SyscallEvent;
import dev.tailor.tracer.strace.StraceText;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Reads strace's text of the socket calls: socket()'s family and type (raw numbers, or the names
 * of a trace recorded without {@code -e raw=}), the addresses of bind, connect and sends, and
 * the path of a unix socket; what they mean goes to the {@link Recorder}.
 */
final class StraceSockets {
  private final Recorder recorder;
  private final PathResolver resolver;
  private final IntFunction<String> cwdOf;
  private final java.util.function.Function<SyscallEvent, List<String>> args;

  StraceSockets(Recorder recorder, PathResolver resolver, IntFunction<String> cwdOf,
      java.util.function.Function<SyscallEvent, List<String>> args) {
    this.recorder = recorder;
    this.resolver = resolver;
    this.cwdOf = cwdOf;
    this.args = args;
  }

  void socket(SyscallEvent e, boolean ok) {
    if (!ok) {
      return;
    }
    List<String> a = args.apply(e);
    if (a.size() < 2) {
      return;
    }
    String family = SocketText.family(a.get(0));
    String type = SocketText.type(a.get(1));
    recorder.countSocket(family, type);
    if ((type.equals("raw") && (family.equals("inet") || family.equals("inet6"))) || family.equals("packet")) {
      recorder.capability(true, "net_raw", "socket(" + a.get(0) + ", " + a.get(1) + ")");
    }
  }

  /** A bind: its address and the capability a low port needs; the unix socket path it creates, if any. */
  Optional<String> bind(SyscallEvent e, int pid, boolean ok) {
    if (!ok) {
      return Optional.empty();
    }
    List<String> a = args.apply(e);
    if (a.size() < 2) {
      return Optional.empty();
    }
    recorder.socketOfDecoration(a.get(0));
    Optional<String[]> addr = SocketText.address(a.get(1));
    if (addr.isEmpty()) {
      return Optional.empty();
    }
    String family = addr.get()[0];
    String where = addr.get()[1];
    recorder.address(List.of(decoratedKey(a.get(0), family), "local", where));
    int port = SocketText.port(a.get(1));
    if (port > 0 && port < 1024 && (family.equals("inet") || family.equals("inet6"))) {
      recorder.capability(true, "net_bind_service", "bind to port " + port + " (" + where + ")");
    }
    return unixPathOf(e, pid);
  }

  void peer(SyscallEvent e) {
    String text = e.args();
    int sa = text.indexOf("sa_family=");
    if (sa < 0) {
      return;
    }
    List<String> a = args.apply(e);
    int brace = text.lastIndexOf('{', sa);
    Optional<String[]> addr = SocketText.address(text.substring(Math.max(0, brace)));
    addr.ifPresent(x -> recorder.address(List.of(decoratedKey(a.get(0), x[0]), "peer", x[1])));
  }

  Optional<String> unixPathOf(SyscallEvent e, int pid) {
    List<String> a = args.apply(e);
    if (a.size() < 2) {
      return Optional.empty();
    }
    String s = a.get(1);
    Optional<String> path = StraceText.field(s, "sun_path");
    if (path.isEmpty() || path.get().startsWith("@")) {
      return Optional.empty();
    }
    Optional<String> raw = StraceText.unquote(path.get());
    if (raw.isEmpty() || raw.get().isEmpty()) {
      return Optional.empty();
    }
    String n = raw.get();
    String base = n.startsWith("/") ? "" : cwdOf.apply(pid);
    if (!n.startsWith("/") && base.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(resolver.resolve(PathNames.join(base, n), false));
  }

  private static String decoratedKey(String fdToken, String family) {
    return SocketText.decoratedKind(fdToken).orElse(family + " ?");
  }
}
