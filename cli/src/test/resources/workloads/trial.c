/* The observe-mode workload of the variant, hook and kernel-log tests (trial.c): "plain" prints a line; "more" prints the same, then makes two calls
 * "plain" never makes (mkdir, getpgid) and prints what they returned. Learned with "plain", run
 * with "more": under the learned profile the two calls fail with EPERM, under its observe variant
 * they run. Usage: trial plain|more [DIR] (DIR: where mkdir makes "observed.d", default /tmp). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2 || (strcmp(argv[1], "plain") != 0 && strcmp(argv[1], "more") != 0)) {
    fprintf(stderr, "usage: trial plain|more [DIR]\n");
    return 2;
  }
  printf("hello from observe\n");
  if (strcmp(argv[1], "more") == 0) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/observed.d", argc > 2 ? argv[2] : "/tmp");
    int rc = (int) syscall(SYS_mkdir, dir, 0700);
    printf("mkdir: %s\n", rc == 0 ? "ok" : strerror(errno));
    long pg = syscall(SYS_getpgid, 0);
    printf("getpgid: %s\n", pg >= 0 ? "ok" : strerror(errno));
  }
  printf("done\n");
  return 0;
}
