package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tailor.deploy.apply.AppArmorHost;
import dev.tailor.deploy.apply.ApplyException;
import dev.tailor.deploy.apply.HookApply;
import dev.tailor.deploy.store.FolderSwap;
import dev.tailor.deploy.store.ProfileStore;
import dev.tailor.tracer.seccomp.SyscallTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hook apply} while a learn rewrites the profile folder it reads (the way every learn writes
 * one: {@link FolderSwap}): each apply checks and applies one learn's seccomp.json and loads the
 * AppArmor profile of the same learn; a profile the check refuses is never applied.
 */
class HookApplyWhileLearningTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  /** A kernel with AppArmor that keeps the text it was asked to load. */
  private static final class Recorded implements AppArmorHost {
    final List<String> texts = new ArrayList<>();

    @Override
    public boolean enabled() {
      return true;
    }

    @Override
    public void load(byte[] text, Path file) {
      texts.add(new String(text, StandardCharsets.UTF_8));
    }
  }

  private static String seccomp(String arch, String call) {
    return "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,\"architectures\":[\""
        + arch
        + "\"],"
        + "\"syscalls\":[{\"names\":[\"read\",\"write\",\"exit_group\",\""
        + call
        + "\"],\"action\":\"SCMP_ACT_ALLOW\"}]}\n";
  }

  private static String apparmor(String name) {
    return "abi <abi/3.0>,\n\nprofile " + name + " flags=(complain) {\n  /etc/hostname r,\n}\n";
  }

  private static List<FolderSwap.File> files(String seccomp, String apparmor) {
    return List.of(
        new FolderSwap.File(
            "seccomp.json", out -> out.write(seccomp.getBytes(StandardCharsets.UTF_8))),
        new FolderSwap.File(
            ProfileFolder.APPARMOR_FILE,
            out -> out.write(apparmor.getBytes(StandardCharsets.UTF_8))),
        new FolderSwap.File(
            ProfileFolder.REPORT_FILE,
            out -> out.write("report\n".getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void applyDuringRewrites_checksAndAppliesOneLearnsFiles() throws Exception {
    String mine = SyscallTable.ociArchitectures(SyscallTable.nativeArch()).get(0);
    String other = mine.equals("SCMP_ARCH_AARCH64") ? "SCMP_ARCH_X86_64" : "SCMP_ARCH_AARCH64";
    // Learn A is for this machine; learn B only for another one, so the check must refuse it.
    String seccompA = seccomp(mine, "getpid");
    String apparmorA = apparmor("web-a");
    String seccompB = seccomp(other, "getppid");
    String apparmorB = apparmor("web-b");
    Path store = tmp.resolve("store");
    Path folder = store.resolve("web");
    FolderSwap.replace(folder, files(seccompA, apparmorA));
    byte[] config =
        ("{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"true\"],\"cwd\":\"/\"},\"linux\":{},"
                + "\"annotations\":{\"io.tailor.profile\":\"web\"}}")
            .getBytes(StandardCharsets.UTF_8);

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger swaps = new AtomicInteger();
    AtomicReference<Throwable> rewriterFailed = new AtomicReference<>();
    Thread rewriter =
        new Thread(
            () -> {
              try {
                while (!stop.get()) {
                  boolean a = swaps.get() % 2 == 1;
                  FolderSwap.replace(
                      folder, a ? files(seccompA, apparmorA) : files(seccompB, apparmorB));
                  swaps.incrementAndGet();
                }
              } catch (Throwable t) {
                rewriterFailed.set(t);
              }
            },
            "rewriter");
    rewriter.start();
    int applied = 0;
    int refused = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    try {
      // Enough of both outcomes, with rewrites between them, or the deadline.
      while (applied < 60 || refused < 60 || swaps.get() < 100) {
        assertTrue(
            System.nanoTime() < deadline,
            "after 180 s: "
                + applied
                + " applied, "
                + refused
                + " refused, "
                + swaps.get()
                + " rewrites");
        assertEquals(null, rewriterFailed.get());
        Recorded aa = new Recorded();
        try {
          HookApply.Result r = HookApply.apply(config, new ProfileStore(store), aa);
          JsonNode seccomp = JSON.readTree(r.config()).path("linux").path("seccomp");
          assertEquals(
              JSON.readTree(seccompA), seccomp, "applied a seccomp profile the check did not pass");
          assertEquals(
              List.of(apparmorA),
              aa.texts,
              "the AppArmor profile of another learn than the seccomp one");
          applied++;
        } catch (ApplyException e) {
          if (!e.getMessage().contains("is for " + other + ", not for this")) {
            fail("refused for another reason than the architecture: " + e.getMessage(), e);
          }
          assertEquals(
              List.of(), aa.texts, "loaded an AppArmor profile for a container it refused");
          refused++;
        }
      }
    } finally {
      stop.set(true);
      rewriter.join();
    }
    assertEquals(null, rewriterFailed.get());
  }
}
