package dev.tailor.tracer.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.Access;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenModeTest {
  @Test
  void named_mapsToAccessKinds() {
    assertEquals(EnumSet.of(Access.READ), OpenMode.named("O_RDONLY|O_CLOEXEC").kinds());
    assertEquals(
        EnumSet.of(Access.APPEND, Access.CREATE),
        OpenMode.named("O_WRONLY|O_CREAT|O_APPEND").kinds());
    assertEquals(EnumSet.of(Access.READ, Access.WRITE), OpenMode.named("O_RDWR").kinds());
    assertEquals(
        EnumSet.of(Access.WRITE, Access.CREATE),
        OpenMode.named("O_WRONLY|O_CREAT|O_TRUNC|O_APPEND").kinds());
    assertEquals(EnumSet.of(Access.STAT), OpenMode.named("O_RDONLY|O_PATH").kinds());
    assertEquals(EnumSet.of(Access.READ, Access.WRITE), OpenMode.named("O_RDONLY|O_TRUNC").kinds());
    assertEquals(EnumSet.of(Access.READ), OpenMode.named("").kinds());
  }

  @Test
  void named_readsOnlyWholeNames() {
    // O_DIRECTORY's name inside another word, and numbers strace could not name, change nothing
    OpenMode m = OpenMode.named("O_RDONLY|XO_DIRECTORY|0x80000000");
    assertEquals(new OpenMode(EnumSet.of(Access.READ), false, false), m);
  }

  @Test
  void tmpfile_createsAndIsNoDirectory_onEachArchitecture() {
    OpenMode x86 = OpenMode.of(OpenMode.O_RDWR | 020000000 | OpenMode.O_DIRECTORY);
    assertEquals(
        new OpenMode(EnumSet.of(Access.READ, Access.WRITE, Access.CREATE), false, false), x86);
    assertEquals(x86, OpenMode.named("O_RDWR|O_TMPFILE"));
    assertEquals(x86, OpenMode.named("O_RDWR|__O_TMPFILE|O_DIRECTORY"));
    assertEquals(
        x86,
        OpenMode.of(
            OpenMode.O_RDWR | 020000000 | OpenMode.ARM_O_DIRECTORY, OpenMode.ARM_O_DIRECTORY));
    assertTrue(OpenMode.of(OpenMode.ARM_O_DIRECTORY, OpenMode.ARM_O_DIRECTORY).directory());
    assertFalse(OpenMode.of(OpenMode.ARM_O_DIRECTORY).directory(), "arm's bit is not x86's");
  }

  @Test
  void exclusive_needsCreateAndExcl() {
    assertTrue(OpenMode.named("O_WRONLY|O_CREAT|O_EXCL").exclusive());
    assertFalse(OpenMode.named("O_WRONLY|O_EXCL").exclusive());
    assertFalse(OpenMode.of(OpenMode.CREAT).exclusive());
  }

  /** Every combination of the flags that matter reads the same from names as from numbers. */
  @Test
  void named_agreesWithNumbers_forEveryCombination() {
    String[] names = {"O_CREAT", "O_EXCL", "O_TRUNC", "O_APPEND", "O_PATH", "O_DIRECTORY"};
    long[] bits = {
      OpenMode.O_CREAT,
      OpenMode.O_EXCL,
      OpenMode.O_TRUNC,
      OpenMode.O_APPEND,
      OpenMode.O_PATH,
      OpenMode.O_DIRECTORY
    };
    String[] modes = {"O_RDONLY", "O_WRONLY", "O_RDWR"};
    for (int mode = 0; mode < 3; mode++) {
      for (int set = 0; set < 1 << names.length; set++) {
        List<String> text = new ArrayList<>(List.of(modes[mode], "O_CLOEXEC"));
        long flags = mode;
        for (int i = 0; i < names.length; i++) {
          if ((set & 1 << i) != 0) {
            text.add(names[i]);
            flags |= bits[i];
          }
        }
        assertEquals(OpenMode.of(flags), OpenMode.named(String.join("|", text)), text.toString());
      }
    }
  }
}
