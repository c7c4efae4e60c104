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
