// bench-generator: the load of `npm run bench`. It makes `count` write() calls of `size` bytes
// that start like an HTTP response, so every one of them is a data event for the tutorial's
// program, and stamps each with CLOCK_MONOTONIC (the clock bpf_ktime_get_ns reads) so a
// consumer can tell how long the event took to reach it.
//
// Usage: bench-generator [--count N] [--rate PER_SECOND] [--size BYTES] [--to null|pipe]
//   --rate 0 (the default) writes at full speed; otherwise the writes are paced evenly.
//   --to null writes to /dev/null; --to pipe writes into a pipe a child process drains.
//
// It prints "pid <pid>" and waits for a line on stdin before it starts, so that consumers
// attach first; at the end it prints "done <writes> <first stamp ns> <last stamp ns>".
//
// Each payload, byte for byte (the stamp always at offset 28, 20 digits, zero-padded):
//   HTTP/1.1 200 OK\r\nX-Mono-Ns: 00000001234567890123\r\nX-Seq: 0000000042\r\n\r\n<filler>
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STAMP_OFFSET 28
#define STAMP_DIGITS 20
#define SEQ_OFFSET (STAMP_OFFSET + STAMP_DIGITS + 9) /* after "\r\nX-Seq: " */
#define SEQ_DIGITS 10

static const char HEAD[] = "HTTP/1.1 200 OK\r\nX-Mono-Ns: ";

static uint64_t monotonic_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

// Zero-padded decimal, written in place: snprintf would cost more than the write it stamps.
static void put_digits(char *at, int digits, uint64_t value) {
  for (int i = digits - 1; i >= 0; i--) {
    at[i] = (char)('0' + value % 10);
    value /= 10;
  }
}

static void usage(void) {
  fprintf(stderr, "usage: bench-generator [--count N] [--rate PER_SECOND] [--size BYTES] [--to null|pipe]\n");
  exit(2);
}

// A child that reads the pipe until it closes, in large reads.
static int open_drained_pipe(void) {
  int fds[2];
  if (pipe(fds) < 0) {
    perror("bench-generator: pipe");
    exit(1);
  }
  fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
  pid_t child = fork();
  if (child < 0) {
    perror("bench-generator: fork");
    exit(1);
  }
  if (child == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    close(fds[1]);
    static char sink[1 << 16];
    while (read(fds[0], sink, sizeof sink) > 0) {
    }
    _exit(0);
  }
  close(fds[0]);
  return fds[1];
}

int main(int argc, char **argv) {
  long long count = 100000;
  double rate = 0;
  long size = 400;
  const char *to = "null";
  for (int i = 1; i < argc; i++) {
    if (i + 1 >= argc) usage();
    if (strcmp(argv[i], "--count") == 0) count = atoll(argv[++i]);
    else if (strcmp(argv[i], "--rate") == 0) rate = atof(argv[++i]);
    else if (strcmp(argv[i], "--size") == 0) size = atol(argv[++i]);
    else if (strcmp(argv[i], "--to") == 0) to = argv[++i];
    else usage();
  }
  long minimum = SEQ_OFFSET + SEQ_DIGITS + 4;
  if (count < 1 || rate < 0 || size < minimum || size > (1 << 20)) {
    fprintf(stderr, "bench-generator: --count must be at least 1, --rate not negative, --size %ld..1048576\n", minimum);
    return 2;
  }
  // Never outlive the benchmark that started us.
  prctl(PR_SET_PDEATHSIG, SIGKILL);

  int fd;
  if (strcmp(to, "null") == 0) fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  else if (strcmp(to, "pipe") == 0) fd = open_drained_pipe();
  else usage();
  if (fd < 0) {
    perror("bench-generator: /dev/null");
    return 1;
  }

  char *payload = malloc((size_t)size);
  memset(payload, 'x', (size_t)size);
  memcpy(payload, HEAD, sizeof HEAD - 1);
  memcpy(payload + STAMP_OFFSET + STAMP_DIGITS, "\r\nX-Seq: ", 9);
  memcpy(payload + SEQ_OFFSET + SEQ_DIGITS, "\r\n\r\n", 4);

  printf("pid %d\n", (int)getpid());
  fflush(stdout);
  char go[64];
  if (!fgets(go, sizeof go, stdin)) return 0;  // the benchmark went away: nothing to do

  uint64_t first = 0, last = 0, start = monotonic_ns();
  long long written = 0;
  for (long long i = 0; i < count; i++) {
    if (rate > 0) {
      uint64_t due = start + (uint64_t)((double)i * 1e9 / rate);
      struct timespec at = {.tv_sec = (time_t)(due / 1000000000u), .tv_nsec = (long)(due % 1000000000u)};
      while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == EINTR) {
      }
    }
    last = monotonic_ns();
    if (i == 0) first = last;
    put_digits(payload + STAMP_OFFSET, STAMP_DIGITS, last);
    put_digits(payload + SEQ_OFFSET, SEQ_DIGITS, (uint64_t)i);
    if (write(fd, payload, (size_t)size) == size) written++;
  }
  close(fd);
  if (strcmp(to, "pipe") == 0) wait(NULL);
  printf("done %lld %llu %llu\n", written, (unsigned long long)first, (unsigned long long)last);
  return 0;
}
