/* The workload of the observe-mode tests. "learn": prints and exits. "more DIR": also makes the
 * calls a profile learned from "learn" lacks (mkdir DIR, getpgid), and prints what they returned:
 * exit 0 only when both succeeded. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
  printf("start %s\n", argc > 1 ? argv[1] : "");
  if (argc > 2 && strcmp(argv[1], "more") == 0) {
    int m = mkdir(argv[2], 0700);
    printf("mkdir %s: %s\n", argv[2], m == 0 ? "ok" : strerror(errno));
    pid_t g = getpgid(0);
    printf("getpgid: %s\n", g >= 0 ? "ok" : strerror(errno));
    printf("done\n");
    return m == 0 && g >= 0 ? 0 : 1;
  }
  printf("done\n");
  return 0;
}
