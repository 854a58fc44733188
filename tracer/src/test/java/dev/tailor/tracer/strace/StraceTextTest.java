package dev.tailor.tracer.strace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** strace's argument text, piece by piece: real shapes from strace 6.1 -f -yy. */
class StraceTextTest {
  @Test
  void splitArgs_onlyTopLevelCommasSplit() {
    assertEquals(
        List.of("AT_FDCWD</srv>", "\"a,b\\\",c\"", "O_RDONLY|O_CLOEXEC"),
        StraceText.splitArgs("AT_FDCWD</srv>, \"a,b\\\",c\", O_RDONLY|O_CLOEXEC"));
    assertEquals(
        List.of(
            "3<TCP:[127.0.0.1:80->127.0.0.1:5000]>",
            "{sa_family=AF_INET, sin_port=htons(80)}",
            "16"),
        StraceText.splitArgs(
            "3<TCP:[127.0.0.1:80->127.0.0.1:5000]>, {sa_family=AF_INET, sin_port=htons(80)}, 16"));
    assertEquals(
        List.of("[\"sh\", \"-c\"]", "f(1, 2)", "x"),
        StraceText.splitArgs("[\"sh\", \"-c\"], f(1, 2), x"));
    assertEquals(List.of(), StraceText.splitArgs(""));
    assertEquals(List.of(), StraceText.splitArgs("  "), "blank is no argument");
    assertEquals(
        List.of("a", ""),
        StraceText.splitArgs("a,"),
        "a trailing comma keeps its empty last argument");
    assertEquals(List.of("1</a,b>", "2"), StraceText.splitArgs("1</a,b>, 2"));
  }

  @Test
  void skipQuoted_endsJustPastTheClosingQuote() {
    assertEquals(4, StraceText.skipQuoted("\"ab\"x", 0));
    assertEquals(6, StraceText.skipQuoted("\"a\\\"b\"", 0), "an escaped quote does not close");
    assertEquals(5, StraceText.skipQuoted("\"\\\\\"x", 0) + 1, "an escaped backslash does");
    assertEquals(3, StraceText.skipQuoted("\"ab", 0), "unterminated: the end");
  }

  @Test
  void skipDecoration_pathsAndSockets() {
    String p = "3</etc/passwd>, 1";
    assertEquals(p.indexOf('>') + 1, StraceText.skipDecoration(p, 1));
    String dev = "1</dev/null<char 1:3>>, 2";
    assertEquals(dev.indexOf(">>") + 2, StraceText.skipDecoration(dev, 1));
    String esc = "3</a\\>b>x";
    assertEquals(
        esc.length() - 1,
        StraceText.skipDecoration(esc, 1),
        "an escaped > inside a path does not close");
    String tcp = "4<TCP:[1.2.3.4:5->6.7.8.9:10]>y";
    assertEquals(
        tcp.length() - 1, StraceText.skipDecoration(tcp, 1), "-> inside brackets does not close");
    String unix = "5<UNIX-STREAM:[1->2,\"/run/s>\"]>z";
    assertEquals(
        unix.length() - 1, StraceText.skipDecoration(unix, 1), "a quoted > does not close");
    assertEquals(6, StraceText.skipDecoration("3</abc", 1), "unterminated: the end");
    assertEquals(6, StraceText.skipDecoration("3<pipe", 1));
  }

  @Test
  void unquote_decodesEveryEscapeToItsByte() {
    assertEquals(
        Optional.of("a\"b\\c\n\t\r\u000b\f\u0007\b\u001b"),
        StraceText.unquote("\"a\\\"b\\\\c\\n\\t\\r\\v\\f\\a\\b\\e\""));
    assertEquals(Optional.of("\u00ff\u0000\u0007x"), StraceText.unquote("\"\\377\\0\\7x\""));
    assertEquals(
        Optional.of("\u00018"), StraceText.unquote("\"\\0018\""), "at most three octal digits");
    assertEquals(
        Optional.of("\u00abz"), StraceText.unquote("\"\\xabz\""), "two hex digits, then text");
    assertThrows(
        IllegalArgumentException.class,
        () -> StraceText.unquote("\"\\xfz\""),
        "strace writes \\x with two digits: one is not an escape it writes");
    assertEquals(
        Optional.of("\u0000"),
        StraceText.unquote("\"\\400\""),
        "octal beyond a byte keeps its low byte");
    assertThrows(
        IllegalArgumentException.class,
        () -> StraceText.unquote("\"\\q\""),
        "an escape strace never writes is not guessed at");
    assertEquals(Optional.of("plain"), StraceText.unquote("\"plain\""));
    assertEquals(Optional.of("ab"), StraceText.unquote("\"ab\"..."));
    assertEquals(Optional.empty(), StraceText.unquote("0x7ffc1234"));
    assertEquals(Optional.empty(), StraceText.unquote("NULL"));
    assertEquals(Optional.empty(), StraceText.unquote(""));
  }

  @Test
  void isTruncated_onlyTheDotsAfterAQuote() {
    assertTrue(StraceText.isTruncated("\"abc\"..."));
    assertFalse(StraceText.isTruncated("\"abc...\""));
    assertFalse(StraceText.isTruncated("..."));
  }

  @Test
  void decoration_andDecoratedPath() {
    assertEquals(Optional.of("/a/b"), StraceText.decoration("3</a/b<char 1:3>>"));
    assertEquals(Optional.of("/etc/passwd"), StraceText.decoration("3</etc/passwd>"));
    // strace 6.1 writes '<' and '>' in a -yy path as octal: "a>b<c" is 3</tmp/a\76b\74c>.
    assertEquals(
        Optional.of("/x>y<\n"), StraceText.decoration("3</x\\76y\\74\\n>"), "escapes decoded");
    assertEquals(
        Optional.of("/tmp/f (deleted)"),
        StraceText.decoration("3</tmp/f (deleted)>"),
        "the suffix is kept");
    assertEquals(
        Optional.of("TCP:[1.2.3.4:5->6.7.8.9:10]"),
        StraceText.decoration("4<TCP:[1.2.3.4:5->6.7.8.9:10]>"));
    assertEquals(Optional.of("pipe:[123]"), StraceText.decoration("0<pipe:[123]>"));
    assertEquals(Optional.empty(), StraceText.decoration("AT_FDCWD"));
    assertEquals(Optional.of("/a"), StraceText.decoratedPath("AT_FDCWD</a>"));
    assertEquals(Optional.empty(), StraceText.decoratedPath("0<pipe:[123]>"));
    assertEquals(Optional.empty(), StraceText.decoratedPath("3<>"));
    assertEquals(Optional.empty(), StraceText.decoratedPath("7"));
  }

  @Test
  void field_readsOneKeyOfAStruct() {
    String sa = "{sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr(\"127.0.0.1\")}";
    assertEquals(Optional.of("AF_INET"), StraceText.field(sa, "sa_family"));
    assertEquals(Optional.of("htons(8080)"), StraceText.field(sa, "sin_port"));
    assertEquals(Optional.of("inet_addr(\"127.0.0.1\")"), StraceText.field(sa, "sin_addr"));
    assertEquals(Optional.empty(), StraceText.field(sa, "sin"), "a key is whole, not a prefix");
    assertEquals(Optional.empty(), StraceText.field("NULL", "sa_family"));
    assertEquals(Optional.of("1"), StraceText.field("{a=1", "a"), "a struct cut by strace");
  }

  @Test
  void hasFlag_wholeFlagsOnly() {
    assertTrue(StraceText.hasFlag("O_WRONLY|O_CREAT|O_TRUNC", "O_CREAT"));
    assertTrue(StraceText.hasFlag("O_CREAT", "O_CREAT"));
    assertTrue(StraceText.hasFlag("O_RDWR|O_CREAT", "O_CREAT"));
    assertFalse(StraceText.hasFlag("O_CREATX|O_RDONLY", "O_CREAT"));
    assertFalse(StraceText.hasFlag("XO_CREAT", "O_CREAT"));
    assertFalse(StraceText.hasFlag("O_RDONLY", "O_CREAT"));
    assertTrue(
        StraceText.hasFlag("O_CREATX|O_CREAT", "O_CREAT"), "a later whole flag after a longer one");
    assertFalse(StraceText.hasFlag("o_creat", "O_CREAT"));
  }

  @Test
  void printable_replacesOtherBytes_andCaps() {
    assertEquals("a?b?c", StraceText.printable("a\nb\u00ffc", 100));
    assertEquals("abc", StraceText.printable("abcdef", 3));
    assertEquals("~? ", StraceText.printable("~\u007f ", 10));
    assertEquals("", StraceText.printable("abc", 0));
  }

  @Test
  void unescape_boundsOfEachEscape() {
    assertThrows(
        IllegalArgumentException.class,
        () -> StraceText.unescape("ab\\", 0, 3),
        "a backslash that ends the text");
    assertThrows(
        IllegalArgumentException.class,
        () -> StraceText.unescape("\\xa", 0, 3),
        "a hex escape cut by the end");
    assertEquals("\n", StraceText.unescape("\\x0a", 0, 4), "0 is a hex digit");
    assertEquals("\u00abc", StraceText.unescape("\\xabc", 0, 5), "two hex digits at most");
    assertEquals("\u00012", StraceText.unescape("\\0012", 0, 5), "three octal digits at most");
    assertEquals("\u0001", StraceText.unescape("\\01", 0, 3), "an octal escape cut by the end");
    assertEquals("\b", StraceText.unescape("\\10", 0, 3), "0 is an octal digit");
    assertEquals("\u000f", StraceText.unescape("\\17", 0, 3), "7 is an octal digit");
    assertEquals("\u00018", StraceText.unescape("\\18", 0, 3), "8 is not");
    assertEquals("x", StraceText.unescape("\"x\"", 1, 2), "only the range is read");
  }

  @Test
  void hasFlag_flagCharacterBounds() {
    for (String before : List.of("A", "Z", "0", "9", "_", "a", "z")) {
      assertFalse(StraceText.hasFlag(before + "O_CREAT", "O_CREAT"), before);
      assertFalse(StraceText.hasFlag("O_CREAT" + before, "O_CREAT"), before);
    }
    for (String sep : List.of("@", "[", "/", ":", "`", "{", "|", " ")) {
      assertTrue(StraceText.hasFlag(sep + "O_CREAT", "O_CREAT"), sep);
      assertTrue(StraceText.hasFlag("O_CREAT" + sep, "O_CREAT"), sep);
    }
  }

  @Test
  void decorations_atTheEdgesOfTheToken() {
    assertEquals(
        Optional.of("/a"), StraceText.decoration("</a>"), "a decoration at the very start");
    assertEquals(Optional.of(""), StraceText.decoration("3<"));
    assertEquals(Optional.of("/abc"), StraceText.decoration("3</abc"), "cut by the end");
    assertEquals(2, StraceText.skipDecoration("3<", 1));
    assertEquals(6, StraceText.skipDecoration("3</a<b", 1), "a device part cut by the end");
    String escaped = "5<A\\>B>z";
    assertEquals(
        escaped.length() - 1,
        StraceText.skipDecoration(escaped, 1),
        "an escaped > in a socket decoration");
    assertEquals(
        Optional.empty(), StraceText.field("{a, b=1}", "a"), "a key without = has no value");
    assertEquals(Optional.of("1"), StraceText.field("{a=1, b=2}", "a"));
  }
}
