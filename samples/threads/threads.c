/* Sample workload: 4 POSIX threads, each making real system calls.
 *
 * Build: cc -O2 -pthread -o threads threads.c
 * Run:   ./threads
 * Each thread writes records to a shared pipe, sleeps (nanosleep), calls getpid
 * and gettid; the main thread reads the pipe and prints a fixed summary.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define THREADS 4
#define RECORDS 25

struct worker {
  int index;
  int fd;
  pid_t pid;
  pid_t tid;
};

static void *work(void *arg) {
  struct worker *w = arg;
  struct timespec pause = {0, 1000000}; /* 1 ms */
  char record[8];
  w->pid = getpid();
  w->tid = (pid_t)syscall(SYS_gettid);
  /* Records are shorter than PIPE_BUF, so each write is atomic and never interleaves. */
  snprintf(record, sizeof record, "t%d\n", w->index);
  for (int i = 0; i < RECORDS; i++) {
    if (write(w->fd, record, strlen(record)) < 0) {
      perror("write");
      return (void *)1;
    }
    while (nanosleep(&pause, &pause) != 0 && errno == EINTR) {
    }
    pause.tv_nsec = 1000000;
  }
  return NULL;
}

int main(void) {
  int fds[2];
  if (pipe(fds) != 0) {
    perror("pipe");
    return 1;
  }
  pthread_t threads[THREADS];
  struct worker workers[THREADS];
  for (int i = 0; i < THREADS; i++) {
    workers[i] = (struct worker){.index = i, .fd = fds[1]};
    if (pthread_create(&threads[i], NULL, work, &workers[i]) != 0) {
      fprintf(stderr, "pthread_create failed\n");
      return 1;
    }
  }
  int failed = 0;
  for (int i = 0; i < THREADS; i++) {
    void *result;
    pthread_join(threads[i], &result);
    failed |= result != NULL;
  }
  close(fds[1]);

  int counts[THREADS] = {0};
  long total = 0;
  char buf[256];
  ssize_t n;
  char prev = 0; /* a record may straddle two reads */
  while ((n = read(fds[0], buf, sizeof buf)) > 0) {
    total += n;
    for (ssize_t i = 0; i < n; i++) {
      if (prev == 't' && buf[i] >= '0' && buf[i] < '0' + THREADS) {
        counts[buf[i] - '0']++;
      }
      prev = buf[i];
    }
  }
  close(fds[0]);

  int same_pid = 1, distinct_tids = 1;
  for (int i = 0; i < THREADS; i++) {
    same_pid &= workers[i].pid == getpid();
    for (int j = 0; j < i; j++) {
      distinct_tids &= workers[i].tid != workers[j].tid;
    }
  }
  printf("threads: %d\n", THREADS);
  for (int i = 0; i < THREADS; i++) {
    printf("thread %d records: %d\n", i, counts[i]);
  }
  printf("bytes: %ld\n", total);
  printf("same pid: %s\n", same_pid ? "yes" : "no");
  printf("distinct tids: %s\n", distinct_tids ? "yes" : "no");
  return failed || !same_pid || !distinct_tids;
}
