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
