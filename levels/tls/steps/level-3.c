// Your eBPF program: a TLS sniffer, written with BCC.
//
// This file is yours to fill in, level by level. To see the instructions, run
//
//     sudo npx ebpf-workshop start --track tls
//
// and follow along: each level adds hooks to this file, and the workshop checks them in
// your own kernel. Stuck? The workshop has hints for every level, from a gentle nudge to
// the exact code.
//
// The include below is all the program needs; the instructions tell you what goes after.

#include <uapi/linux/ptrace.h> // struct pt_regs, PT_REGS_PARM2, PT_REGS_RC

// ---------------------------------------------------------------------------------------
// SSL_write: the server sends its response (levels 0 and 1)
// ---------------------------------------------------------------------------------------

// What the SSL_write (and, in level 2, SSL_read) entry hooks save for the return hook:
// where the plaintext is, in the server's memory.
struct tls_data_args_t {
  const char* buf;
};

// Arguments of SSL_write calls in progress. The key is bpf_get_current_pid_tgid(): the
// process id in the upper 32 bits and the thread id in the lower 32, so two threads that
// write at the same time never overwrite each other's entry.
BPF_HASH(tls_write_args_map, uint64_t, struct tls_data_args_t);

// Which way the data went, seen from the server.
enum traffic_direction_t {
  kEgress,  // sent by the server (SSL_write)
  kIngress, // received by the server (SSL_read)
};

// How many bytes of each message we copy. An event must fit on the eBPF stack, which is
// only 512 bytes.
#define MAX_SIZE 400

// Sent to user space for every message. msg holds the first MAX_SIZE bytes of plaintext;
// the event starts zeroed, so a shorter message ends at its first zero byte.
struct data_event_t {
  uint64_t timestamp_ns;
  uint32_t pid;
  enum traffic_direction_t direction;
  char msg[MAX_SIZE];
};

// A perf buffer: the channel through which events travel from the kernel to user space.
BPF_PERF_OUTPUT(data_events);

// Builds the event for bytes_count bytes of plaintext at buf and sends it.
static inline void process_data(struct pt_regs* ctx, uint64_t id,
                                enum traffic_direction_t direction, const char* buf,
                                size_t bytes_count) {
  if (buf == NULL || bytes_count == 0) {
    return;
  }

  struct data_event_t event = {};
  event.timestamp_ns = bpf_ktime_get_ns();
  event.pid = id >> 32; // the upper half of pid_tgid is the process id
  event.direction = direction;
  // buf points into the server's memory: copy from it with a helper, at most MAX_SIZE
  // bytes (the verifier checks that the copy fits in msg).
  size_t msg_size = bytes_count < MAX_SIZE ? bytes_count : MAX_SIZE;
  bpf_probe_read_user(&event.msg, msg_size, buf);

  data_events.perf_submit(ctx, &event, sizeof(struct data_event_t));
}

// int SSL_write(SSL *ssl, const void *buf, int num);
int probe_entry_ssl_write(struct pt_regs* ctx) {
  uint64_t id = bpf_get_current_pid_tgid();

  struct tls_data_args_t write_args = {};
  write_args.buf = (const char*)PT_REGS_PARM2(ctx);
  tls_write_args_map.update(&id, &write_args);

  return 0;
}

int probe_ret_ssl_write(struct pt_regs* ctx) {
  uint64_t id = bpf_get_current_pid_tgid();

  struct tls_data_args_t* write_args = tls_write_args_map.lookup(&id);
  // The verifier rejects any use of a map value that might be NULL: check first.
  if (write_args != NULL) {
    // SSL_write returns how many bytes it wrote, or 0 or less when it failed.
    int bytes_written = PT_REGS_RC(ctx);
    if (bytes_written > 0) {
      process_data(ctx, id, kEgress, write_args->buf, bytes_written);
    }
    tls_write_args_map.delete(&id);
  }

  return 0;
}

// ---------------------------------------------------------------------------------------
// SSL_read: the server receives the request (level 2)
// ---------------------------------------------------------------------------------------

// SSL_read has the same arguments as SSL_write, so it reuses struct tls_data_args_t, but
// it gets a map of its own.
BPF_HASH(tls_read_args_map, uint64_t, struct tls_data_args_t);

// int SSL_read(SSL *ssl, void *buf, int num);
// buf is still empty here: SSL_read fills it. Only the return hook may read it.
int probe_entry_ssl_read(struct pt_regs* ctx) {
  uint64_t id = bpf_get_current_pid_tgid();

  struct tls_data_args_t read_args = {};
  read_args.buf = (const char*)PT_REGS_PARM2(ctx);
  tls_read_args_map.update(&id, &read_args);

  return 0;
}

int probe_ret_ssl_read(struct pt_regs* ctx) {
  uint64_t id = bpf_get_current_pid_tgid();

  struct tls_data_args_t* read_args = tls_read_args_map.lookup(&id);
  if (read_args != NULL) {
    // SSL_read returns how many bytes it read, or 0 or less when it failed.
    int bytes_read = PT_REGS_RC(ctx);
    if (bytes_read > 0) {
      process_data(ctx, id, kIngress, read_args->buf, bytes_read);
    }
    tls_read_args_map.delete(&id);
  }

  return 0;
}

// ---------------------------------------------------------------------------------------
// SSL_write_ex and SSL_read_ex: the same, as Python calls them (level 3)
// ---------------------------------------------------------------------------------------

// The _ex forms return 1 on success and 0 on failure, not a count: they store how many
// bytes they moved through their fourth argument, a pointer. The entry hook saves that
// pointer too; the count is there once the function has returned.
struct tls_ex_data_args_t {
  const char* buf;
  size_t* count;
};

BPF_HASH(tls_write_ex_args_map, uint64_t, struct tls_ex_data_args_t);
BPF_HASH(tls_read_ex_args_map, uint64_t, struct tls_ex_data_args_t);

// How many bytes an _ex call moved, read from the pointer its entry hook saved.
static inline size_t ex_bytes_count(const struct tls_ex_data_args_t* args) {
  size_t bytes_count = 0;
  bpf_probe_read_user(&bytes_count, sizeof(bytes_count), args->count);
  return bytes_count;
}

// int SSL_write_ex(SSL *s, const void *buf, size_t num, size_t *written);
int probe_entry_ssl_write_ex(struct pt_regs* ctx) {
  uint64_t id = bpf_get_current_pid_tgid();

  struct tls_ex_data_args_t write_args = {};
  write_args.buf = (const char*)PT_REGS_PARM2(ctx);
  write_args.count = (size_t*)PT_REGS_PARM4(ctx);
  tls_write_ex_args_map.update(&id, &write_args);

  return 0;
}

int probe_ret_ssl_write_ex(struct pt_regs* ctx) {
  uint64_t id = bpf_get_current_pid_tgid();

  struct tls_ex_data_args_t* write_args = tls_write_ex_args_map.lookup(&id);
  if (write_args != NULL) {
    // 1 means success; the count is in *written.
    if (PT_REGS_RC(ctx) == 1) {
      process_data(ctx, id, kEgress, write_args->buf, ex_bytes_count(write_args));
    }
    tls_write_ex_args_map.delete(&id);
  }

  return 0;
}

// int SSL_read_ex(SSL *ssl, void *buf, size_t num, size_t *readbytes);
int probe_entry_ssl_read_ex(struct pt_regs* ctx) {
  uint64_t id = bpf_get_current_pid_tgid();

  struct tls_ex_data_args_t read_args = {};
  read_args.buf = (const char*)PT_REGS_PARM2(ctx);
  read_args.count = (size_t*)PT_REGS_PARM4(ctx);
  tls_read_ex_args_map.update(&id, &read_args);

  return 0;
}

int probe_ret_ssl_read_ex(struct pt_regs* ctx) {
  uint64_t id = bpf_get_current_pid_tgid();

  struct tls_ex_data_args_t* read_args = tls_read_ex_args_map.lookup(&id);
  if (read_args != NULL) {
    // 1 means success; the count is in *readbytes.
    if (PT_REGS_RC(ctx) == 1) {
      process_data(ctx, id, kIngress, read_args->buf, ex_bytes_count(read_args));
    }
    tls_read_ex_args_map.delete(&id);
  }

  return 0;
}
