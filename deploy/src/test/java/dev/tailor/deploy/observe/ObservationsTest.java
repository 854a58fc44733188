package dev.tailor.deploy.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObservationsTest {
  static final ObservedContainer A =
      new ObservedContainer("aaaa", "web", "", ObservedContainer.NOTIFY);
  static final ObservedContainer B =
      new ObservedContainer("bbbb", "web", "front", ObservedContainer.NOTIFY);
  static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

  static ObservedCall call(
      ObservedContainer c, String syscall, List<Long> args, List<String> paths, int second) {
    return new ObservedCall(c, syscall, args, paths, T0.plusSeconds(second));
  }

  static List<Long> args(long... v) {
    return java.util.Arrays.stream(v).boxed().toList();
  }

  @Test
  void add_sameCallTwice_isOneEntryWithCountAndFirstAndLastSeen() {
    Observations o = new Observations();
    o.started(A, T0);
    assertTrue(o.add(call(A, "getpgid", args(0, 11, 0, 0, 0, 0), List.of(), 1)));
    // Another call with other pointer-like registers is the same call: only filterable values
    // count.
    assertFalse(o.add(call(A, "getpgid", args(0, 99, 5, 0, 0, 0), List.of(), 7)));
    ContainerCalls c = o.snapshot("web").containers().get(0);
    assertEquals(1, c.calls().size());
    SeenCall s = c.calls().get(0);
    assertEquals(2, s.count());
    assertEquals(T0.plusSeconds(1), s.first());
    assertEquals(T0.plusSeconds(7), s.last());
  }

  @Test
  void add_distinctPathsAndArgumentValues_areDistinctCalls_perContainer() {
    Observations o = new Observations();
    assertTrue(o.add(call(A, "mkdir", args(1, 0700, 0, 0, 0, 0), List.of("/tmp/a"), 1)));
    assertTrue(o.add(call(A, "mkdir", args(1, 0700, 0, 0, 0, 0), List.of("/tmp/b"), 1)));
    // socket's family is a filterable argument: AF_INET and AF_INET6 are two calls.
    assertTrue(o.add(call(A, "socket", args(2, 1, 0, 0, 0, 0), List.of(), 1)));
    assertTrue(o.add(call(A, "socket", args(10, 1, 0, 0, 0, 0), List.of(), 1)));
    // The same call in another container is reported for that container too.
    assertTrue(o.add(call(B, "mkdir", args(1, 0700, 0, 0, 0, 0), List.of("/tmp/a"), 1)));
    assertEquals(List.of("web"), List.copyOf(o.profiles()));
    assertEquals(
        4,
        o.snapshot("web").containers().stream()
            .filter(c -> c.container().equals(A))
            .findFirst()
            .orElseThrow()
            .calls()
            .size());
  }

  @Test
  void add_pastTheCap_countsBySyscallNameOnly() {
    Observations o = new Observations(3);
    for (int i = 0; i < 10; i++) {
      o.add(call(A, "mkdir", args(0, 0, 0, 0, 0, 0), List.of("/tmp/r" + i), i));
    }
    ContainerCalls c = o.snapshot("web").containers().get(0);
    assertTrue(c.capped());
    assertEquals(4, c.calls().size());
    assertEquals(10, c.total());
  }

  @Test
  void takeChanged_listsProfilesOnce_untilTheyChangeAgain() {
    Observations o = new Observations();
    o.add(call(A, "getpgid", List.of(), List.of(), 1));
    assertEquals(List.of("web"), List.copyOf(o.takeChanged()));
    assertTrue(o.takeChanged().isEmpty());
    o.ended(A, T0.plusSeconds(9));
    assertEquals(List.of("web"), List.copyOf(o.takeChanged()));
    assertFalse(o.snapshot("web").containers().get(0).running());
    assertEquals(T0.plusSeconds(9), o.snapshot("web").containers().get(0).ended());
  }

  @Test
  void restore_addsEarlierCounts_toWhatThisAgentSaw() {
    Observations before = new Observations();
    before.started(A, T0);
    before.add(call(A, "getpgid", args(0, 0, 0, 0, 0, 0), List.of(), 1));
    before.add(call(A, "getpgid", args(0, 0, 0, 0, 0, 0), List.of(), 2));
    before.ended(A, T0.plusSeconds(3));
    ProfileObservations written = before.snapshot("web");

    Observations after = new Observations();
    after.restore(written);
    assertTrue(after.knows("web"));
    after.add(call(A, "getpgid", args(0, 0, 0, 0, 0, 0), List.of(), 20));
    after.add(call(B, "getpgid", args(0, 0, 0, 0, 0, 0), List.of(), 21));
    ProfileObservations now = after.snapshot("web");
    assertEquals(2, now.containers().size());
    SeenCall a =
        now.containers().stream()
            .filter(c -> c.container().equals(A))
            .findFirst()
            .orElseThrow()
            .calls()
            .get(0);
    assertEquals(3, a.count());
    assertEquals(T0.plusSeconds(1), a.first());
    assertEquals(T0.plusSeconds(20), a.last());
  }
}
