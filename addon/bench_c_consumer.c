// bench-c-consumer: the floor of `npm run bench` — the least a consumer of the tutorial's
// program can do on libbcc. It compiles the program the runner compiled (tracepoint mode:
// the runner's adapted source), loads and attaches every tracepoint__ function, reads every
// BPF_PERF_OUTPUT at the ring settings it is given, and for each data event of one process
// reads the generator's stamp and nothing else (a request it read, direction kIngress, is
// only counted: "ingress" in the result; "events" and "egress" count the responses).
//
// Usage: bench-c-consumer SOURCE --pid PID --count N [--mode rate|latency]
//                         [--pages P] [--wakeup W] [--flush-ms F] [--realtime yes|no]
//                         [--pace-us U] [--other-pages P]
// --pages is for the data output's rings, --other-pages for the others' (default: --pages).
// --realtime yes reads at SCHED_FIFO 1, as the runner's poller thread does. --pace-us U
// waits until U µs have passed since a poll that read events before polling again, as the
// runner's poller does (1000); 0, the default, polls again at once: the bare consumer.
// Prints one JSON line when ready ({"type":"ready","compileMs":…}) and one with the result
// once N events of PID arrived, or when stdin says "stop" or closes.
//
// The layout is the tutorial's socket_data_event_t (solution.c): conn_id.pid at offset 8,
// direction at 16, msg at 24; the generator's stamp sits at offset 28 of msg (addon/bench_generator.c).
#define _GNU_SOURCE
#include <bcc/bcc_common.h>
#include <bcc/libbpf.h>
#include <bcc/perf_reader.h>
#include <errno.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libbcc_features.h"

#define PID_OFFSET 8
#define DIRECTION_OFFSET 16
#define MSG_OFFSET 24
#define STAMP_OFFSET 28
#define STAMP_DIGITS 20
#define MAX_READERS 1024

static const char *const OUTPUTS[] = {"socket_open_events", "socket_data_events", "socket_close_events"};

static uint32_t target_pid;
static long long target_count;
static bool latency_mode;

static long long events;
static long long ingress;  // requests the server read (kIngress = 1), counted apart
static uint64_t lost;
static uint64_t first_stamp_ns, last_receipt_ns;
static uint64_t *latencies;
static atomic_bool stop_requested;

static uint64_t monotonic_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t read_stamp(const char *msg) {
  uint64_t value = 0;
  for (int i = 0; i < STAMP_DIGITS; i++) value = value * 10 + (uint64_t)(msg[STAMP_OFFSET + i] - '0');
  return value;
}

static void on_data_event(void *cookie, void *raw, int size) {
  (void)cookie;
  if (size < MSG_OFFSET + STAMP_OFFSET + STAMP_DIGITS) return;
  uint32_t pid;
  memcpy(&pid, (char *)raw + PID_OFFSET, sizeof pid);
  if (pid != target_pid || events >= target_count) return;
  uint32_t direction;
  memcpy(&direction, (char *)raw + DIRECTION_OFFSET, sizeof direction);
  if (direction == 1) {
    ingress++;
    return;
  }
  const char *msg = (const char *)raw + MSG_OFFSET;
  if (memcmp(msg, "HTTP", 4) != 0) return;
  uint64_t now = monotonic_ns();
  if (events == 0) first_stamp_ns = read_stamp(msg);
  if (latency_mode) latencies[events] = now - read_stamp(msg);
  last_receipt_ns = now;
  events++;
}

static void on_other_event(void *cookie, void *raw, int size) {
  (void)cookie;
  (void)raw;
  (void)size;
}

static void on_lost(void *cookie, uint64_t count) {
  (void)cookie;
  lost += count;
}

static void *watch_stdin(void *unused) {
  (void)unused;
  char line[256];
  while (fgets(line, sizeof line, stdin)) {
    if (strncmp(line, "stop", 4) == 0) break;
  }
  atomic_store(&stop_requested, true);
  return NULL;
}

// Resident memory of this process, in bytes (VmRSS).
static long long resident_bytes(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long long kb = 0;
  while (f && fgets(line, sizeof line, f)) {
    if (sscanf(line, "VmRSS: %lld kB", &kb) == 1) break;
  }
  if (f) fclose(f);
  return kb * 1024;
}

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc((size_t)size + 1);
  if (text && fread(text, 1, (size_t)size, f) != (size_t)size) {
    free(text);
    text = NULL;
  }
  if (text) text[size] = '\0';
  fclose(f);
  return text;
}

// The online CPUs, from /sys/devices/system/cpu/online ("0-1", "0,2-5").
static int online_cpus(int *cpus, int max) {
  FILE *f = fopen("/sys/devices/system/cpu/online", "r");
  char text[1024] = "";
  if (f) {
    if (!fgets(text, sizeof text, f)) text[0] = '\0';
    fclose(f);
  }
  int n = 0;
  for (char *part = strtok(text, ",\n"); part && n < max; part = strtok(NULL, ",\n")) {
    int lo, hi;
    int got = sscanf(part, "%d-%d", &lo, &hi);
    if (got < 1) continue;
    if (got == 1) hi = lo;
    for (int c = lo; c <= hi && n < max; c++) cpus[n++] = c;
  }
  return n;
}

static void fail(const char *what) {
  fprintf(stderr, "bench-c-consumer: %s\n", what);
  exit(1);
}

static void usage(void) {
  fail("usage: bench-c-consumer SOURCE --pid PID --count N [--mode rate|latency] [--pages P] [--wakeup W] [--flush-ms F] [--realtime yes|no] [--pace-us U] [--other-pages P]");
}

int main(int argc, char **argv) {
  if (argc < 2) usage();
  const char *source_path = argv[1];
  int pages = 1024, wakeup = 16, flush_ms = 50;
  bool realtime = false;
  long pace_us = 0;
  int other_pages = 0;
  for (int i = 2; i < argc; i++) {
    if (i + 1 >= argc) usage();
    const char *name = argv[i], *value = argv[++i];
    if (strcmp(name, "--pid") == 0) target_pid = (uint32_t)atoi(value);
    else if (strcmp(name, "--count") == 0) target_count = atoll(value);
    else if (strcmp(name, "--mode") == 0) latency_mode = strcmp(value, "latency") == 0;
    else if (strcmp(name, "--pages") == 0) pages = atoi(value);
    else if (strcmp(name, "--wakeup") == 0) wakeup = atoi(value);
    else if (strcmp(name, "--flush-ms") == 0) flush_ms = atoi(value);
    else if (strcmp(name, "--realtime") == 0) realtime = strcmp(value, "yes") == 0;
    else if (strcmp(name, "--pace-us") == 0) pace_us = atol(value);
    else if (strcmp(name, "--other-pages") == 0) other_pages = atoi(value);
    else usage();
  }
  if (target_pid == 0 || target_count < 1 || pages < 1 || wakeup < 1 || flush_ms < 1) usage();
  if (latency_mode) latencies = calloc((size_t)target_count, sizeof *latencies);

  char *source = read_file(source_path);
  if (!source) fail("cannot read the program");

  uint64_t compile_start = monotonic_ns();
  void *module = bpf_module_create_c_from_string(source, 0, NULL, 0, true, NULL);
  if (!module) fail("the program did not compile");
  int attached = 0;
  for (size_t i = 0; i < bpf_num_functions(module); i++) {
    const char *name = bpf_function_name(module, i);
    if (strncmp(name, "tracepoint__", 12) != 0) continue;
    // tracepoint__<category>__<event>
    char category[128], event[128];
    const char *split = strstr(name + 12, "__");
    if (!split || split - (name + 12) >= (long)sizeof category) continue;
    snprintf(category, sizeof category, "%.*s", (int)(split - (name + 12)), name + 12);
    snprintf(event, sizeof event, "%s", split + 2);
    int fd = WS_FUNC_LOAD(module, BPF_PROG_TYPE_TRACEPOINT, name, bpf_function_start(module, name),
                          (int)bpf_function_size(module, name), bpf_module_license(module),
                          bpf_module_kern_version(module), 0, NULL, 0, NULL, 0);
    if (fd < 0) fail("a function did not load");
    if (bpf_attach_tracepoint(fd, category, event) < 0) fail("a tracepoint did not attach");
    attached++;
  }
  if (attached == 0) fail("the program has no tracepoint__ functions");

  int cpus[MAX_READERS];
  int ncpus = online_cpus(cpus, MAX_READERS);
  struct perf_reader *readers[MAX_READERS];
  int nreaders = 0;
  for (size_t o = 0; o < sizeof OUTPUTS / sizeof OUTPUTS[0]; o++) {
    int map_fd = bpf_table_fd(module, OUTPUTS[o]);
    if (map_fd < 0) continue;
    bool data = strcmp(OUTPUTS[o], "socket_data_events") == 0;
    perf_reader_raw_cb on_event = data ? on_data_event : on_other_event;
    int ring_pages = data || other_pages <= 0 ? pages : other_pages;
    for (int c = 0; c < ncpus && nreaders < MAX_READERS; c++) {
#if WS_HAVE_WAKEUP_THRESHOLD
      struct bcc_perf_buffer_opts opts = {.pid = -1, .cpu = cpus[c], .wakeup_events = wakeup};
      void *reader = bpf_open_perf_buffer_opts(on_event, on_lost, NULL, ring_pages, &opts);
#else
      void *reader = bpf_open_perf_buffer(on_event, on_lost, NULL, -1, cpus[c], ring_pages);
#endif
      if (!reader) fail("cannot open a perf buffer");
      int reader_fd = perf_reader_fd(reader);
      if (bpf_update_elem(map_fd, &cpus[c], &reader_fd, 0) < 0) fail("cannot register a perf buffer");
      readers[nreaders++] = reader;
    }
  }
  double compile_ms = (double)(monotonic_ns() - compile_start) / 1e6;
  printf("{\"type\":\"ready\",\"compileMs\":%.1f}\n", compile_ms);
  fflush(stdout);

  if (realtime) {
    struct sched_param param = {.sched_priority = 1};
    if (pthread_setschedparam(pthread_self(), SCHED_FIFO, &param) != 0) fprintf(stderr, "bench-c-consumer: no real-time priority\n");
  }

  pthread_t watcher;
  pthread_create(&watcher, NULL, watch_stdin, NULL);
  pthread_detach(watcher);

  // The runner's poller loop: wait for a wake-up, and drain every ring on a timer, since
  // events below the wake-up threshold wake nobody.
  uint64_t last_flush = monotonic_ns();
  while (events < target_count && !atomic_load(&stop_requested)) {
    uint64_t started = monotonic_ns();
    long long before = events;
    perf_reader_poll(nreaders, readers, flush_ms);
    if (pace_us > 0 && events != before) {
      uint64_t spent = monotonic_ns() - started;
      if (spent < (uint64_t)pace_us * 1000u) usleep((useconds_t)(pace_us - (long)(spent / 1000u)));
    }
#if WS_HAVE_WAKEUP_THRESHOLD
    if (monotonic_ns() - last_flush >= (uint64_t)flush_ms * 1000000u) {
      perf_reader_consume(nreaders, readers);
      last_flush = monotonic_ns();
    }
#endif
  }

  printf("{\"type\":\"result\",\"events\":%lld,\"ingress\":%lld,\"egress\":%lld,\"lost\":%llu,\"firstStampNs\":%llu,\"lastReceiptNs\":%llu,\"rssBytes\":%lld,\"latenciesNs\":[",
         events, ingress, events, (unsigned long long)lost, (unsigned long long)first_stamp_ns, (unsigned long long)last_receipt_ns, resident_bytes());
  for (long long i = 0; latency_mode && i < events; i++) printf("%s%llu", i ? "," : "", (unsigned long long)latencies[i]);
  printf("]}\n");
  fflush(stdout);
  for (int i = 0; i < nreaders; i++) perf_reader_free(readers[i]);
  bpf_module_destroy(module);
  return 0;
}
