/* A workload whose file events come faster than tailor's ring reader takes them: stat(2) on
 * 50,000 names that do not exist, N times in all, spinning SPIN steps between calls.
 *   gcc -O2 -o /tmp/stat-loop bench/stat-loop.c
 *   ./tailor learn --backend bpf -- /tmp/stat-loop 2000000 5000   (report.md: "dropped N events")
 * Used in bench/RESULTS.md k. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000000;
  long spin = argc > 2 ? atol(argv[2]) : 0;
  char path[64];
  struct stat st;
  volatile long x = 0;
  for (long i = 0; i < n; i++) {
    snprintf(path, sizeof path, "/tmp/stat-loop-none/%ld", i % 50000);
    stat(path, &st);
    for (long j = 0; j < spin; j++) {
      x += j;
    }
  }
  return 0;
}
