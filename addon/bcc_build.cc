// bcc-build: compiles one BCC program and loads the functions asked for, in a process of its
// own, then hands the maps and programs — file descriptors — to the process that started it.
//
// Why a child process:
// - LLVM ends the whole process on some backend errors (a BPF stack over 512 bytes is the one
//   learners meet); here that ends only this child, and the app reports it.
// - clang and LLVM leave some 80 MB of their code resident in whoever compiled; the app never
//   touches them at all (its addon links only libbcc_bpf).
// Maps and programs are kernel objects held by fds: passed over a Unix socket they outlive us.
//
// Usage: bcc-build < request
//   stdin    what to build, read to the end: a header of lines
//              env NAME=VALUE        (set before compiling, e.g. BCC_KERNEL_SOURCE)
//              cflag FLAG            (one flag per line, e.g. "cflag -DTARGET_PID=42")
//              load NAME:PROG_TYPE   (a function to load, enum bpf_prog_type)
//              program               (ends the header)
//            then the program's C text. Input that does not start with a header line is
//            all program (handy by hand: bcc-build < program.c).
//            The app starts this process before it knows what to build, so the loading of
//            clang and LLVM overlaps its other work: everything comes on stdin, nothing in argv.
//   fd 3     a Unix socket: every table's fd, then every loaded program's fd, go out on it
//            (SCM_RIGHTS) in that order. Without fd 3 nothing is sent (handy by hand).
//   stdout   one JSON object:
//            {"functions": [name…],
//             "tables": [{"name", "type", "fd", "keySize", "leafSize", "maxEntries", "flags",
//                         "keyDesc", "leafDesc"}…],
//             "perfEventFields": {table: ["field#type"…]},   (perf event arrays only)
//             "loads": [{"name", "fd", "errno", "error", "log", "stderr"}…]}
//            where "fd" is the index of that fd among those sent, or -1 (a load the kernel
//            refused: errno, its verifier log and what libbcc printed say why).
//   stderr   clang's diagnostics.
// Exit status: 0 built (refused loads included), 3 did not compile, 2 usage or I/O error;
// a compiler crash shows as a signal or LLVM's own exit status 1.
#include <bcc/bcc_common.h>
#include <bcc/libbpf.h>
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "libbcc_features.h"
#include "stderr_capture.h"

enum { BUILT = 0, USAGE = 2, NOT_COMPILED = 3 };
enum { FD_SOCKET = 3, MAX_LOADS = 64, MAX_CFLAGS = 256, MAX_FDS = 1024 };
// enum bpf_map_type
enum { PERF_EVENT_ARRAY = 4 };

struct load_request {
  const char *name;
  int prog_type;
};

struct load_result {
  int fd = -1, err = 0;
  std::string log, said;  // the verifier's log; what libbcc printed to stderr meanwhile
};

static int fds[MAX_FDS];
static int fd_count;

static int keep_fd(int fd) {
  if (fd < 0 || fd_count == MAX_FDS) return -1;
  fds[fd_count] = fd;
  return fd_count++;
}

// Appends the whole of `in` to `text`; false on a read error.
static bool read_all(FILE *in, std::string &text) {
  char chunk[1 << 16];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, in)) > 0) text.append(chunk, n);
  return !ferror(in);
}

// ---- JSON out ----

static void json_string(FILE *out, const char *s) {
  if (!s) {
    fputs("null", out);
    return;
  }
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') fprintf(out, "\\%c", *p);
    else if (*p == '\n') fputs("\\n", out);
    else if (*p < 0x20) fprintf(out, "\\u%04x", *p);
    else fputc(*p, out);
  }
  fputc('"', out);
}

// ---- loading, with libbcc's stderr captured per load ----

static load_result load_function(void *mod, load_request req) {
  load_result r;
  auto *insns = static_cast<const struct bpf_insn *>(bpf_function_start(mod, req.name));
  if (!insns) {
    r.err = ENOENT;
    return r;
  }
  int size = (int)bpf_function_size(mod, req.name);
  // The kernel refuses with ENOSPC when its log does not fit: grow the buffer and retry.
  for (unsigned log_size = 1u << 16; log_size <= (1u << 26); log_size <<= 2) {
    std::vector<char> log(log_size, 0);
    ws::StderrCapture capture;
    errno = 0;
    r.fd = WS_FUNC_LOAD(mod, req.prog_type, req.name, insns, size, bpf_module_license(mod),
                        bpf_module_kern_version(mod), 0, log.data(), log_size, nullptr, 0);
    r.err = r.fd < 0 ? errno : 0;
    r.said = capture.Finish();
    r.log.assign(log.data(), strnlen(log.data(), log_size));
    if (r.fd >= 0 || r.err != ENOSPC) break;
  }
  return r;
}

// ---- fds out ----

static int send_fds(int socket_fd) {
  for (int sent = 0; sent < fd_count;) {
    int n = fd_count - sent > 250 ? 250 : fd_count - sent;  // the kernel takes 253 per message
    char byte = 0;
    struct iovec iov = {&byte, 1};
    alignas(struct cmsghdr) char control[CMSG_SPACE(250 * sizeof(int))] = {};
    struct msghdr msg = {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(n * sizeof(int));
    memcpy(CMSG_DATA(cmsg), fds + sent, n * sizeof(int));
    if (sendmsg(socket_fd, &msg, MSG_NOSIGNAL) < 0) return -1;
    sent += n;
  }
  return 0;
}

// Ends the process without running LLVM's and clang's static destructors, which take the
// app's compile some 10 ms longer and matter to nothing: the kernel frees it all.
[[noreturn]] static void finish(int status) {
  fflush(stdout);
  fflush(stderr);
  _exit(status);
}

// Splits the request into its header and the program; nullptr on a malformed header.
static char *parse_request(char *request, const char **cflags, int *cflag_count,
                           struct load_request *loads, int *load_count) {
  bool has_header = strncmp(request, "env ", 4) == 0 || strncmp(request, "cflag ", 6) == 0 ||
                    strncmp(request, "load ", 5) == 0 || strncmp(request, "program\n", 8) == 0;
  if (!has_header) return request;
  char *line = request;
  for (;;) {
    char *end = strchr(line, '\n');
    if (!end) return nullptr;
    *end = '\0';
    if (strcmp(line, "program") == 0) return end + 1;
    if (strncmp(line, "env ", 4) == 0) {
      char *equals = strchr(line + 4, '=');
      if (!equals) return nullptr;
      *equals = '\0';
      setenv(line + 4, equals + 1, 1);
    } else if (strncmp(line, "cflag ", 6) == 0 && *cflag_count < MAX_CFLAGS) {
      cflags[(*cflag_count)++] = line + 6;
    } else if (strncmp(line, "load ", 5) == 0 && *load_count < MAX_LOADS) {
      char *colon = strrchr(line + 5, ':');
      if (!colon) return nullptr;
      *colon = '\0';
      loads[(*load_count)++] = load_request{line + 5, atoi(colon + 1)};
    } else {
      return nullptr;
    }
    line = end + 1;
  }
}

// A compile grows the heap to some 60 MB, and the first touch of each new page is a fault the
// kernel answers by zeroing it: ~45 ms of a ~420 ms compile here with 4 KiB pages (python-bcc's
// first compile against its second), ~20 ms on the huge pages our environment asks for
// (compilerProcess.ts), paid inside the learner's wait. This process is started ahead of need (src/engine/compilerProcess.ts), so it takes
// those faults now, while it waits for its request: it touches the heap once, then keeps it
// (no trim, no mmap for the sizes clang asks for), and the compile reuses warm pages.
enum { WARM_HEAP_BYTES = 64 << 20, WARM_HEAP_CHUNK = 1 << 20 };
static void warm_heap(void) {
  mallopt(M_TRIM_THRESHOLD, 2 * WARM_HEAP_BYTES);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  static void *chunks[WARM_HEAP_BYTES / WARM_HEAP_CHUNK];
  for (void *&chunk : chunks) {
    chunk = malloc(WARM_HEAP_CHUNK);
    if (chunk) memset(chunk, 0, WARM_HEAP_CHUNK);
  }
  for (void *chunk : chunks) free(chunk);
}

int main(void) {
  // If the app goes, so do we (and the maps we hold with us).
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  warm_heap();

  std::string request;  // parse_request cuts it into NUL-terminated pieces the rest points at
  if (!read_all(stdin, request)) {
    fprintf(stderr, "bcc-build: cannot read the request from stdin\n");
    return USAGE;
  }
  const char *cflags[MAX_CFLAGS];
  struct load_request loads[MAX_LOADS];
  int cflag_count = 0, load_count = 0;
  const char *text = parse_request(request.data(), cflags, &cflag_count, loads, &load_count);
  if (!text) {
    fprintf(stderr, "bcc-build: a header line is not \"env NAME=VALUE\", \"cflag FLAG\", \"load NAME:TYPE\" or \"program\"\n");
    return USAGE;
  }

  // libbcc says some things (no kernel headers found, for one) on stdout, which is our report:
  // send them to stderr with clang's diagnostics while it compiles and loads.
  fflush(stdout);
  int report_fd = dup(STDOUT_FILENO);
  dup2(STDERR_FILENO, STDOUT_FILENO);
  void *mod = bpf_module_create_c_from_string(text, 0, cflags, cflag_count, true, nullptr);
  if (!mod) finish(NOT_COMPILED);

  // Loads first: their fds are numbered after the tables', so keep them aside until then.
  struct load_result results[MAX_LOADS];
  for (int i = 0; i < load_count; i++) results[i] = load_function(mod, loads[i]);
  fflush(stdout);
  if (report_fd < 0 || dup2(report_fd, STDOUT_FILENO) < 0) return USAGE;
  close(report_fd);

  // The report is built in memory and written only once the fds are sent: a whole report on
  // stdout tells the app they are waiting on its socket.
  char *report = nullptr;
  size_t report_size = 0;
  FILE *out = open_memstream(&report, &report_size);
  if (!out) return USAGE;
  fputs("{\"functions\":[", out);
  for (size_t i = 0; i < bpf_num_functions(mod); i++) {
    if (i) fputc(',', out);
    json_string(out, bpf_function_name(mod, i));
  }
  fputs("],\"tables\":[", out);
  size_t tables = bpf_num_tables(mod);
  for (size_t i = 0; i < tables; i++) {
    if (i) fputc(',', out);
    fputs("{\"name\":", out);
    json_string(out, bpf_table_name(mod, i));
    fprintf(out, ",\"type\":%d,\"fd\":%d,\"keySize\":%zu,\"leafSize\":%zu,\"maxEntries\":%zu,\"flags\":%d,\"keyDesc\":",
            bpf_table_type_id(mod, i), keep_fd(bpf_table_fd_id(mod, i)), bpf_table_key_size_id(mod, i),
            bpf_table_leaf_size_id(mod, i), bpf_table_max_entries_id(mod, i), bpf_table_flags_id(mod, i));
    json_string(out, bpf_table_key_desc_id(mod, i));
    fputs(",\"leafDesc\":", out);
    json_string(out, bpf_table_leaf_desc_id(mod, i));
    fputc('}', out);
  }
  fputs("],\"perfEventFields\":{", out);
  bool first = true;
  for (size_t i = 0; i < tables; i++) {
    const char *name = bpf_table_name(mod, i);
    if (!name || bpf_table_type_id(mod, i) != PERF_EVENT_ARRAY) continue;
    if (!first) fputc(',', out);
    first = false;
    json_string(out, name);
    fputs(":[", out);
    for (size_t f = 0; f < bpf_perf_event_fields(mod, name); f++) {
      if (f) fputc(',', out);
      json_string(out, bpf_perf_event_field(mod, name, f));
    }
    fputc(']', out);
  }
  fputs("},\"loads\":[", out);
  for (int i = 0; i < load_count; i++) {
    if (i) fputc(',', out);
    fputs("{\"name\":", out);
    json_string(out, loads[i].name);
    fprintf(out, ",\"fd\":%d,\"errno\":%d,\"error\":", keep_fd(results[i].fd), results[i].err);
    json_string(out, results[i].err ? strerror(results[i].err) : "");
    fputs(",\"log\":", out);
    json_string(out, results[i].fd >= 0 ? "" : results[i].log.c_str());
    fputs(",\"stderr\":", out);
    json_string(out, results[i].said.c_str());
    fputc('}', out);
  }
  fputs("]}\n", out);
  if (fclose(out) != 0) return USAGE;

  int type = 0;
  socklen_t type_size = sizeof type;
  bool have_socket = getsockopt(FD_SOCKET, SOL_SOCKET, SO_TYPE, &type, &type_size) == 0;
  if (have_socket && send_fds(FD_SOCKET) < 0) {
    fprintf(stderr, "bcc-build: cannot pass the maps and programs on: %s\n", strerror(errno));
    return USAGE;
  }
  if (fwrite(report, 1, report_size, stdout) != report_size || fflush(stdout) != 0) return USAGE;
  // Closing stdout and stderr now lets the app go on while this process is torn down
  // (unmapping clang and LLVM takes another ~10 ms).
  fflush(stderr);
  close(STDOUT_FILENO);
  close(STDERR_FILENO);
  // Exiting closes our copies; the kernel objects live on in the fds we sent.
  finish(BUILT);
}
