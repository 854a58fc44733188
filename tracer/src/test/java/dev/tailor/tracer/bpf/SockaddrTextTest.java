package dev.tailor.tracer.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SockaddrTextTest {
  @Test
  void of_writesTheFamiliesStraceWrites() {
    assertEquals("{sa_family=AF_UNIX, sun_path=\"/run/x\"}", SockaddrText.of(new byte[] {1, 0, '/', 'r', 'u', 'n', '/', 'x', 0, 9}));
    assertEquals("{sa_family=AF_UNIX, sun_path=@\"ab\"}", SockaddrText.of(new byte[] {1, 0, 0, 'a', 'b'}));
    assertEquals("{sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr(\"127.0.0.1\")}",
        SockaddrText.of(new byte[] {2, 0, 0x1f, (byte) 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}));
    byte[] six = new byte[28];
    six[0] = 10;
    six[3] = 80;
    six[23] = 1;
    assertEquals("{sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, \"::1\", &sin6_addr), "
        + "sin6_scope_id=0}", SockaddrText.of(six));
  }
}
