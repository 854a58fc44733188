package dev.tailor.tracer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** PathText, byte by byte: which bytes stay themselves, and that the form is lossless. */
class PathTextTest {
  @Test
  void escape_everyByte_printableAsciiButBackslashBacktickAndBarStays() {
    for (int c = 0; c < 256; c++) {
      String one = String.valueOf((char) c);
      boolean keeps = c >= 0x20 && c <= 0x7e && c != '\\' && c != '`' && c != '|';
      String expected = keeps ? one : String.format("\\x%02x", c);
      assertEquals(expected, PathText.escape(one), "byte " + c);
      assertEquals(
          "/a" + expected + "b", PathText.escape("/a" + one + "b"), "byte " + c + " inside a name");
    }
  }

  @Test
  void escape_plainText_isReturnedAsIs() {
    String plain = "/srv/app/data.txt";
    assertSame(plain, PathText.escape(plain));
    assertEquals(
        "/x\\x0ay\\x0a", PathText.escape("/x\ny\n"), "every byte after the first escaped one too");
  }

  @Test
  void escape_refusesCharsThatAreNoBytes() {
    assertThrows(IllegalArgumentException.class, () -> PathText.escape("/a\u0100"));
    assertEquals("\\xff", PathText.escape("\u00ff"));
  }

  @Test
  void escapeAndToBytes_roundTripEveryByte() {
    byte[] all = new byte[255];
    for (int i = 1; i < 256; i++) {
      all[i - 1] = (byte) i;
    }
    assertArrayEquals(all, PathText.toBytes(PathText.escape(all)));
    assertEquals(
        PathText.escape(new String(all, StandardCharsets.ISO_8859_1)), PathText.escape(all));
  }

  @Test
  void toBytes_onlyAWholeEscapeIsOne() {
    assertArrayEquals("/A".getBytes(StandardCharsets.ISO_8859_1), PathText.toBytes("/\\x41"));
    assertArrayEquals(new byte[] {'\\', 'x', '4'}, PathText.toBytes("\\x4"), "cut short: literal");
    assertArrayEquals(new byte[] {'\\', 'y', '4', '1'}, PathText.toBytes("\\y41"));
    assertArrayEquals(new byte[] {(byte) 0xab, 'c'}, PathText.toBytes("\\xabc"));
    assertArrayEquals(
        new byte[] {'a', (byte) 0x0a}, PathText.toBytes("a\\x0a"), "an escape that ends the text");
  }
}
