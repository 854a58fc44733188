package dev.tailor.generator.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The edges of the numbers and versions an OCI profile may hold. */
class SeccompJsonBoundsTest {
  private static SeccompResult parse(String json, String kernel) throws Exception {
    return SeccompJson.parse(json, "p.json", "x86_64", kernel);
  }

  private static String rule(String extra) {
    return "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\""
        + extra
        + "}]}";
  }

  private static String refusal(String json) {
    return assertThrows(java.io.IOException.class, () -> parse(json, "6.1")).getMessage();
  }

  @Test
  void errnoRet_zeroToIntMax() throws Exception {
    assertEquals(0, parse(rule(",\"errnoRet\":0"), "6.1").profile().syscalls().get(0).errnoRet());
    assertEquals(
        Integer.MAX_VALUE,
        parse(rule(",\"errnoRet\":2147483647"), "6.1").profile().syscalls().get(0).errnoRet());
    assertTrue(
        refusal(rule(",\"errnoRet\":2147483648")).endsWith("is too large: 2147483648"),
        refusal(rule(",\"errnoRet\":2147483648")));
    assertTrue(refusal(rule(",\"errnoRet\":4294967295")).endsWith("is too large: 4294967295"));
    assertTrue(
        refusal(rule(",\"errnoRet\":4294967296")).contains("is not an unsigned 32-bit number"));
    assertTrue(refusal(rule(",\"errnoRet\":-1")).contains("is not an unsigned 32-bit number"));
  }

  @Test
  void argIndex_zeroToFive_andEachArgAnObject() throws Exception {
    String five = rule(",\"args\":[{\"index\":5,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]");
    assertEquals(5, parse(five, "6.1").profile().syscalls().get(0).args().get(0).index());
    String zero = rule(",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]");
    assertEquals(0, parse(zero, "6.1").profile().syscalls().get(0).args().get(0).index());
    assertTrue(
        refusal(rule(",\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]"))
            .endsWith(".index must be a number from 0 to 5"));
    assertTrue(
        refusal(rule(",\"args\":[{\"index\":-1,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]"))
            .endsWith(".index must be a number from 0 to 5"));
    assertTrue(refusal(rule(",\"args\":[1]")).endsWith("is not an object"));
  }

  @Test
  void unsignedValues_toUint64Max_writtenBackUnsigned() throws Exception {
    String max =
        rule(
            ",\"args\":[{\"index\":1,\"value\":18446744073709551615,\"op\":\"SCMP_CMP_MASKED_EQ\",\"valueTwo\":0}]");
    SeccompProfile p = parse(max, "6.1").profile();
    assertEquals(-1L, p.syscalls().get(0).args().get(0).value());
    assertTrue(
        SeccompJson.toJson(p).matches("(?s).*\"value\"\\s*:\\s*18446744073709551615\\b.*"),
        SeccompJson.toJson(p));
    String zero = rule(",\"args\":[{\"index\":1,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]");
    assertTrue(
        SeccompJson.toJson(parse(zero, "6.1").profile()).matches("(?s).*\"value\"\\s*:\\s*0\\b.*"));
  }

  @Test
  void minKernel_equalIsEnough() throws Exception {
    String json =
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\","
            + "\"includes\":{\"minKernel\":\"4.8\"}}]}";
    assertEquals(
        1, parse(json, "4.8.0-1-amd64").profile().syscalls().size(), "4.8 is at least 4.8");
    assertEquals(1, parse(json, "4.10").profile().syscalls().size(), "10 > 8, not '1' < '8'");
    assertEquals(0, parse(json, "4.7.99").profile().syscalls().size());
    assertTrue(
        parse(json, "4.7.99")
            .notes()
            .contains("left out syscalls[0] [read]: it needs kernel 4.8, this is 4.7.99"),
        parse(json, "4.7.99").notes().toString());
  }

  @Test
  void compareVersions_byLeadingNumbers() {
    assertEquals(0, SeccompJson.compareVersions("6.1", "6.1.0"));
    assertTrue(SeccompJson.compareVersions("6.1.0-18-amd64", "6.1") > 0);
    assertTrue(SeccompJson.compareVersions("5.15", "6.1") < 0);
    assertTrue(SeccompJson.compareVersions("6.10", "6.9") > 0);
    assertEquals(
        0, SeccompJson.compareVersions("6.1rc2", "6.1"), "only the leading digits of a part count");
    assertEquals(
        0,
        SeccompJson.compareVersions("1234567891.1", "123456789.1"),
        "at most nine digits are read");
  }
}
