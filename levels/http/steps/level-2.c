// Your eBPF program: an HTTP sniffer, written with BCC.
//
// This file is yours to fill in, level by level. To see the instructions, run
//
//     sudo npx ebpf-workshop start
//
// and follow along: each level adds hooks to this file, and the workshop checks them in
// your own kernel. Stuck? The workshop has hints for every level, from a gentle nudge to
// the exact code.
//
// The includes below are all the program needs; the instructions tell you what goes after.

#include <uapi/linux/ptrace.h> // struct pt_regs, PT_REGS_RC
#include <linux/socket.h>      // struct sockaddr
#include <linux/in.h>          // struct sockaddr_in  (IPv4)
#include <linux/in6.h>         // struct sockaddr_in6 (IPv6)

// ---------------------------------------------------------------------------------------
// accept4: a client connects (levels 0 and 1)
// ---------------------------------------------------------------------------------------

// The client's address is IPv4 or IPv6; the union has room for either, and `sa.sa_family`
// says which one it holds.
union sockaddr_t {
  struct sockaddr sa;
  struct sockaddr_in in4;
  struct sockaddr_in6 in6;
};

// What the accept4 entry hook saves for the return hook: where the kernel will write the
// client's address. It is a pointer into the server's memory; it is only filled in once
// accept4 returns.
struct accept_args_t {
  union sockaddr_t* addr;
};

// Arguments of accept4 calls in progress. The key is bpf_get_current_pid_tgid(): the
// process id in the upper 32 bits and the thread id in the lower 32, so two threads that
// accept at the same time never overwrite each other's entry.
BPF_HASH(active_accept_args_map, uint64_t, struct accept_args_t);

// A connection is known by the process that owns it and its file descriptor. Every event
// carries this id, so user space can put the open, data and close events of one
// connection together.
struct conn_id_t {
  uint32_t pid;
  int32_t fd;
};

static __inline struct conn_id_t create_conn_id(uint64_t id, int fd) {
  struct conn_id_t conn_id = {};
  conn_id.pid = id >> 32; // the upper half of pid_tgid is the process id
  conn_id.fd = fd;
  return conn_id;
}

// Sent to user space for every accepted connection.
struct socket_open_event_t {
  uint64_t timestamp_ns;
  struct conn_id_t conn_id;
  union sockaddr_t addr;
};

// A perf buffer: the channel through which events travel from the kernel to user space.
BPF_PERF_OUTPUT(socket_open_events);

static __inline void process_syscall_accept(struct pt_regs* ctx, uint64_t id,
                                            const struct accept_args_t* args) {
  // accept4 returns the new connection's file descriptor, or a negative error code.
  int ret_fd = PT_REGS_RC(ctx);
  if (ret_fd < 0) {
    return;
  }

  struct socket_open_event_t open_event = {};
  open_event.timestamp_ns = bpf_ktime_get_ns();
  open_event.conn_id = create_conn_id(id, ret_fd);
  // The address lives in the server's memory, not in ours: copy it with a helper.
  // bpf_probe_read is the helper the original tutorial uses and works on every kernel
  // BCC supports; on kernels from 5.5, bpf_probe_read_user says more precisely that the
  // source is user memory.
  bpf_probe_read(&open_event.addr, sizeof(open_event.addr), args->addr);

  socket_open_events.perf_submit(ctx, &open_event, sizeof(struct socket_open_event_t));
}

// int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
// socklen_t comes from a user-space header that BCC programs cannot include; size_t
// stands in for it. We never read addrlen, so its exact type does not matter here.
int syscall__probe_entry_accept4(struct pt_regs* ctx, int sockfd, struct sockaddr* addr,
                                 size_t* addrlen, int flags) {
  uint64_t id = bpf_get_current_pid_tgid();

  struct accept_args_t accept_args = {};
  accept_args.addr = (union sockaddr_t*)addr;
  active_accept_args_map.update(&id, &accept_args);

  return 0;
}

int syscall__probe_ret_accept4(struct pt_regs* ctx) {
  uint64_t id = bpf_get_current_pid_tgid();

  struct accept_args_t* accept_args = active_accept_args_map.lookup(&id);
  // The verifier rejects any use of a map value that might be NULL: check first.
  if (accept_args != NULL) {
    process_syscall_accept(ctx, id, accept_args);
    active_accept_args_map.delete(&id);
  }

  return 0;
}

// ---------------------------------------------------------------------------------------
// read: the server receives the request (level 2)
// ---------------------------------------------------------------------------------------

// What the read (and, in level 3, write) entry hooks save: which connection, and where
// the data is in the server's memory.
struct data_args_t {
  int32_t fd;
  const char* buf;
};

BPF_HASH(active_read_args_map, uint64_t, struct data_args_t);

// Which way the data went, seen from the server.
enum traffic_direction_t {
  kEgress,  // sent by the server (write)
  kIngress, // received by the server (read)
};

// How many bytes of each message we copy. An event must fit on the eBPF stack, which is
// only 512 bytes.
#define DATA_LEN 400

struct socket_data_event_t {
  uint64_t timestamp_ns;
  struct conn_id_t conn_id;
  enum traffic_direction_t direction;
  uint32_t msg_size; // bytes of msg that hold data
  char msg[DATA_LEN];
};

BPF_PERF_OUTPUT(socket_data_events);

// A rough test for HTTP: at least 16 bytes, starting like a response ("HTTP/1.1 200 OK")
// or like the demo's requests ("POST /customResponse HTTP/1.1"). Other traffic of the
// server, such as files it reads, is ignored.
static inline bool is_http_connection(const char* buf, size_t count) {
  if (count < 16) {
    return false;
  }

  // buf points into the server's memory. BCC sees that and turns each buf[i] into a
  // safe copy for us.
  if (buf[0] == 'H' && buf[1] == 'T' && buf[2] == 'T' && buf[3] == 'P') {
    return true;
  }

  if (buf[0] == 'P' && buf[1] == 'O' && buf[2] == 'S' && buf[3] == 'T') {
    return true;
  }

  return false;
}

static inline void process_data(struct pt_regs* ctx, uint64_t id,
                                enum traffic_direction_t direction,
                                const struct data_args_t* args) {
  if (args->buf == NULL) {
    return;
  }

  // read and write return how many bytes they moved, or a negative error code.
  int return_code = PT_REGS_RC(ctx);
  if (return_code <= 0) {
    return;
  }

  size_t bytes_count = return_code;
  if (!is_http_connection(args->buf, bytes_count)) {
    return;
  }

  struct socket_data_event_t event = {};
  event.timestamp_ns = bpf_ktime_get_ns();
  event.conn_id = create_conn_id(id, args->fd);
  event.direction = direction;
  // Copy at most DATA_LEN bytes: the verifier checks that the copy fits in msg.
  event.msg_size = bytes_count < DATA_LEN ? bytes_count : DATA_LEN;
  bpf_probe_read(&event.msg, event.msg_size, args->buf);

  socket_data_events.perf_submit(ctx, &event, sizeof(struct socket_data_event_t));
}

// ssize_t read(int fd, void *buf, size_t count);
int syscall__probe_entry_read(struct pt_regs* ctx, int fd, char* buf, size_t count) {
  uint64_t id = bpf_get_current_pid_tgid();

  struct data_args_t read_args = {};
  read_args.fd = fd;
  read_args.buf = buf;
  active_read_args_map.update(&id, &read_args);

  return 0;
}

int syscall__probe_ret_read(struct pt_regs* ctx) {
  uint64_t id = bpf_get_current_pid_tgid();

  struct data_args_t* read_args = active_read_args_map.lookup(&id);
  if (read_args != NULL) {
    process_data(ctx, id, kIngress, read_args);
    active_read_args_map.delete(&id);
  }

  return 0;
}

