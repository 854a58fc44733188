package dev.tailor.deploy.observe;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tailor.deploy.oci.ContainerPathResolver;
import dev.tailor.deploy.oci.OciConfig;
import dev.tailor.deploy.oci.OciException;
import dev.tailor.deploy.store.ProfileStore;
import dev.tailor.tracer.record.HostPathResolver;
import dev.tailor.tracer.record.PathResolver;
import dev.tailor.tracer.seccomp.SeccompException;
import dev.tailor.tracer.seccomp.SyscallTable;
import dev.tailor.tracer.sys.LibC;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The observe agent: listens on a unix socket for container runtimes (runc's {@code
 * linux.seccomp.listenerPath}) and {@code tailor enforce --observe}, takes each one's seccomp
 * notify fd and answers its notifications on a thread of its own ({@link NotifyListener}), and
 * writes what it saw to each profile's observed folder: every few seconds, when a container ends,
 * and when the agent stops. A connection that sends garbage, too much, or too slowly is dropped
 * without touching the others.
 */
public final class ObserveAgent implements AutoCloseable {
  /** The most bytes a runtime's message may have (runc's state is a few kilobytes). */
  static final int MAX_MESSAGE = 1 << 20;

  /** How long a runtime has to send its message and close the connection. */
  static final int HANDOVER_MILLIS = 5000;

  /** The most containers observed at once; more are refused (their notified calls then fail). */
  static final int MAX_CONTAINERS = 1024;

  /**
   * How an agent is set up.
   *
   * @param socket where it listens
   * @param folders where a profile's observations are written
   * @param fixedProfile the profile every connection is observed against (enforce --observe), or
   *     empty to name it from the runtime's state
   * @param status where the list of containers in observe mode is kept, or empty
   * @param flushEvery how often changed observations are written
   */
  public record Settings(
      Path socket,
      Function<String, Path> folders,
      Optional<String> fixedProfile,
      Optional<Path> status,
      Duration flushEvery) {}

  private final Settings settings;
  private final Observations observations = new Observations();
  private final PrintWriter log;
  private final Object writing = new Object();
  private final AtomicInteger active = new AtomicInteger();
  private final ConcurrentHashMap<Thread, Boolean> threads = new ConcurrentHashMap<>();
  private final java.util.function.IntFunction<String> names;
  private final int nativeArch;
  private volatile boolean stopping;
  private int listening = -1;
  private Thread flusher;

  public ObserveAgent(Settings settings, PrintWriter log) throws SeccompException {
    this.settings = settings;
    this.log = log;
    SyscallTable table = SyscallTable.forNativeArch();
    this.nativeArch = table.auditArch();
    String[] cache = new String[1024];
    this.names =
        nr -> {
          if (nr < 0 || nr >= cache.length) {
            return table.nameOf(nr).orElse("");
          }
          String n = cache[nr];
          if (n == null) {
            n = table.nameOf(nr).orElse("");
            cache[nr] = n;
          }
          return n;
        };
  }

  /** The calls observed so far (for tests and the status list). */
  public Observations observations() {
    return observations;
  }

  /**
   * Binds the socket (a stale socket file left by an agent that died is replaced; a live one is an
   * error) and starts writing observations periodically.
   */
  public void start() throws IOException {
    Path socket = settings.socket();
    Files.createDirectories(socket.toAbsolutePath().getParent());
    if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      try {
        UnixSocket.close(UnixSocket.connect(socket));
        throw new IOException(
            "another agent is listening at "
                + socket
                + "; stop it first, or give another --socket");
      } catch (IOException e) {
        if (e.getMessage().startsWith("another agent")) {
          throw e;
        }
        Files.delete(socket); // nobody answers: left by an agent that is gone
      }
    }
    listening = UnixSocket.listen(socket);
    // Only root (the runtime) may hand over descriptors.
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    flusher = new Thread(this::flushPeriodically, "tailor-observe-flush");
    flusher.setDaemon(true);
    flusher.start();
    say("listening at " + socket);
    writeStatus();
  }

  /** Accepts runtimes until {@link #stop()}; each connection gets a thread of its own. */
  public void run() throws IOException {
    int n = 0;
    while (!stopping) {
      int revents = UnixSocket.poll(listening, 500);
      if ((revents & NotifyLibC.POLLIN) == 0) {
        continue;
      }
      int conn = UnixSocket.accept(listening);
      if (conn < 0) {
        continue;
      }
      Thread t = new Thread(null, () -> serve(conn), "tailor-observe-" + (++n), 256 * 1024);
      t.setDaemon(true);
      threads.put(t, Boolean.TRUE);
      t.start();
    }
  }

  /** Asks {@link #run()} and every listener to end (within a second). */
  public void stop() {
    stopping = true;
  }

  /**
   * Waits up to {@code timeout} for every container to end (tailor enforce --observe, once its
   * child exited).
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (active.get() > 0 && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    return active.get() == 0;
  }

  /** How many connections are being observed now. */
  public int activeContainers() {
    return active.get();
  }

  private void serve(int conn) {
    int notifyFd = -1;
    try {
      UnixSocket.Received got;
      try {
        got = UnixSocket.receiveAll(conn, MAX_MESSAGE, HANDOVER_MILLIS);
      } finally {
        UnixSocket.close(conn);
      }
      Handover h;
      ObservedContainer c;
      try {
        h = Handover.parse(got.data());
        c = h.container(settings.fixedProfile());
      } catch (OciException | IllegalArgumentException e) {
        got.fds().forEach(UnixSocket::close);
        say("refused a connection: " + ProfileStore.printable(String.valueOf(e.getMessage())));
        return;
      }
      for (int i = 0; i < got.fds().size(); i++) {
        if (i == h.seccompFd()) {
          notifyFd = got.fds().get(i);
        } else {
          UnixSocket.close(got.fds().get(i));
        }
      }
      if (notifyFd < 0 || !isNotifyFd(notifyFd)) {
        say("refused container " + c.id() + ": no seccomp notify descriptor came with its state");
        return;
      }
      if (active.incrementAndGet() > MAX_CONTAINERS) {
        active.decrementAndGet();
        say(
            "refused container "
                + c.id()
                + ": already observing "
                + MAX_CONTAINERS
                + " containers");
        return;
      }
      int fd = notifyFd;
      notifyFd = -1;
      restoreOnce(c.profile());
      if (!Files.isDirectory(settings.folders().apply(c.profile()).getParent())) {
        say(
            "container "
                + c.name()
                + " names profile "
                + c.profile()
                + ", which has no folder here: its calls go to "
                + settings.folders().apply(c.profile())
                + " all the same");
      }
      observations.started(c, Instant.now());
      say(
          "observing container "
              + c.name()
              + (c.name().equals(c.id()) ? "" : " (" + c.id() + ")")
              + " against profile "
              + c.profile()
              + " (pid "
              + h.pid()
              + ")");
      writeStatus();
      new NotifyListener(
              fd, c, resolver(h), observations, names, nativeArch, events(), () -> stopping)
          .run();
    } catch (IOException | RuntimeException e) {
      say("a connection failed: " + ProfileStore.printable(String.valueOf(e.getMessage())));
    } finally {
      UnixSocket.close(notifyFd);
      threads.remove(Thread.currentThread());
    }
  }

  private NotifyListener.Events events() {
    return new NotifyListener.Events() {
      @Override
      public void firstCall(ObservedCall call) {
        say(
            "container "
                + call.container().name()
                + " (profile "
                + call.container().profile()
                + "): new call "
                + call.syscall()
                + (call.paths().isEmpty()
                    ? ""
                    : " " + ProfileStore.printable(String.join(" -> ", call.paths()))));
      }

      @Override
      public void unrecorded(ObservedContainer container, String what) {
        say("container " + container.name() + ": " + what);
      }

      @Override
      public void ended(ObservedContainer container, String why) {
        active.decrementAndGet();
        say(
            "container "
                + container.name()
                + " ended"
                + (why.isEmpty() ? "" : " (" + ProfileStore.printable(why) + ")"));
        write(container.profile());
        writeStatus();
      }
    };
  }

  /**
   * Symlinks resolved as the container sees them where its bundle says how, else on the host
   * (enforce --observe).
   */
  private static PathResolver resolver(Handover h) {
    String bundle = h.state().bundle();
    if (bundle.isEmpty()) {
      return new HostPathResolver(true);
    }
    try {
      return new ContainerPathResolver(OciConfig.read(Path.of(bundle)));
    } catch (OciException | RuntimeException e) {
      return PathResolver.LEXICAL;
    }
  }

  /** Whether {@code fd} is a seccomp listener, not some other descriptor a peer sent. */
  private static boolean isNotifyFd(int fd) {
    byte[] buf = new byte[64];
    byte[] name = ("/proc/self/fd/" + fd + "\0").getBytes(StandardCharsets.US_ASCII);
    long n = LibC.INSTANCE.readlink(name, buf, buf.length);
    return n > 0
        && new String(buf, 0, (int) n, StandardCharsets.US_ASCII)
            .equals("anon_inode:seccomp notify");
  }

  /** Adds what an earlier agent wrote for {@code profile}, the first time this agent sees it. */
  private void restoreOnce(String profile) {
    synchronized (writing) {
      if (observations.knows(profile)) {
        return;
      }
      try {
        ObservedFolder.read(settings.folders().apply(profile)).ifPresent(observations::restore);
      } catch (IOException | RuntimeException e) {
        say("profile " + profile + ": " + e.getMessage());
      }
    }
  }

  private void flushPeriodically() {
    while (!stopping) {
      try {
        Thread.sleep(settings.flushEvery().toMillis());
      } catch (InterruptedException e) {
        return;
      }
      flush();
      writeStatus();
    }
  }

  /** Writes every profile whose observations changed since they were last written. */
  public void flush() {
    for (String profile : observations.takeChanged()) {
      write(profile);
    }
  }

  private void write(String profile) {
    synchronized (writing) {
      Path folder = settings.folders().apply(profile);
      try {
        ObservedFolder.write(folder, profile, observations.snapshot(profile));
      } catch (IOException | RuntimeException e) {
        observations.markChanged(profile);
        say("cannot write " + folder + ": " + e.getMessage() + "; trying again later");
      }
    }
  }

  /** The list of containers in observe mode, for {@code tailor observe status}. */
  private void writeStatus() {
    if (settings.status().isEmpty()) {
      return;
    }
    Path file = settings.status().get();
    ObjectNode root = JsonMapper.builder().build().createObjectNode();
    root.put("pid", ProcessHandle.current().pid());
    root.put("socket", settings.socket().toString());
    root.put("written", Instant.now().toString());
    ArrayNode cs = root.putArray("containers");
    for (ContainerCalls c : observations.running()) {
      ObjectNode o = cs.addObject();
      o.put("id", c.container().id());
      o.put("name", c.container().name());
      o.put("profile", c.container().profile());
      o.put("since", c.started().toString());
      o.put("distinctCalls", c.calls().size());
      o.put("calls", c.total());
    }
    synchronized (writing) {
      try {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, root.toPrettyString() + "\n");
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        say("cannot write " + file + ": " + e.getMessage());
      }
    }
  }

  private void say(String line) {
    synchronized (log) {
      log.println("tailor observe: " + Instant.now() + " " + line);
      log.flush();
    }
  }

  /** Stops listening, writes everything observed, removes the socket. */
  @Override
  public void close() {
    stopping = true;
    for (Thread t : List.copyOf(threads.keySet())) {
      try {
        t.join(3000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    flush();
    if (listening >= 0) {
      UnixSocket.close(listening);
      listening = -1;
      try {
        Files.deleteIfExists(settings.socket());
      } catch (IOException e) {
        // a socket file left behind is replaced by the next agent
      }
    }
    writeStatus();
  }
}
