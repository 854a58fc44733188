/* bench/observe.sh's workload. "learn": what the profile is learned from. "N GO": calls getpgid
 * N times (the one call the learned profile lacks), then waits until the file GO exists, so that
 * many containers are observed at once; prints how many getpgid calls succeeded. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  long n = argc > 2 ? atol(argv[1]) : 0;
  const char *go = argc > 2 ? argv[2] : "/";
  long ok = 0;
  for (long i = 0; i < n; i++) {
    ok += getpgid(0) >= 0;
  }
  struct timespec t = {0, 10 * 1000 * 1000};
  do {
    nanosleep(&t, NULL);
  } while (access(go, F_OK) != 0);
  printf("%ld\n", ok);
  return ok == n ? 0 : 1;
}
