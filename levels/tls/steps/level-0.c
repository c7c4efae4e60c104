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
    // Level 1 sends an event from here.
    tls_write_args_map.delete(&id);
  }

  return 0;
}
