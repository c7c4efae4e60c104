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
    // Level 1 sends an event from here.
    active_accept_args_map.delete(&id);
  }

  return 0;
}

