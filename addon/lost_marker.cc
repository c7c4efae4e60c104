#include "lost_marker.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

namespace ws {
namespace {

bpf_insn Insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  bpf_insn insn;
  std::memset(&insn, 0, sizeof insn);
  insn.code = code;
  insn.dst_reg = dst;
  insn.src_reg = src;
  insn.off = off;
  insn.imm = imm;
  return insn;
}

long Bpf(int cmd, bpf_attr* attr) { return syscall(__NR_bpf, cmd, attr, sizeof *attr); }

}  // namespace

// A classifier program (it has a test run on every kernel that has perf outputs and can
// pin it to a CPU through the caller's affinity) that does, in C:
//   u64 marker = kMagic;
//   return bpf_perf_event_output(skb, &map, BPF_F_CURRENT_CPU, &marker, sizeof marker);
LostMarker::LostMarker(int perf_map_fd) : map_fd_(fcntl(perf_map_fd, F_DUPFD_CLOEXEC, 0)) {
  ready_ = Open();
  Close();
}

bool LostMarker::Open() {
  if (prog_fd_ >= 0) return true;
  if (map_fd_ < 0) return false;
  const int perf_map_fd = map_fd_;
  const auto lo = static_cast<int32_t>(kMagic & 0xffffffffu);
  const auto hi = static_cast<int32_t>(kMagic >> 32);
  const bpf_insn program[] = {
      Insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0),            // r6 = skb
      Insn(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_2, 0, 0, lo), Insn(0, 0, 0, 0, hi),  // r2 = kMagic
      Insn(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_10, BPF_REG_2, -8, 0),           // *(u64 *)(fp - 8) = r2
      Insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_6, 0, 0),            // r1 = skb
      Insn(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_2, BPF_PSEUDO_MAP_FD, 0, perf_map_fd),
      Insn(0, 0, 0, 0, 0),                                                       // r2 = &map
      Insn(BPF_ALU | BPF_MOV | BPF_K, BPF_REG_3, 0, 0, -1),                     // r3 = BPF_F_CURRENT_CPU
      Insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_4, BPF_REG_10, 0, 0),
      Insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_4, 0, 0, -8),                   // r4 = fp - 8
      Insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_5, 0, 0, 8),                    // r5 = 8
      Insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_perf_event_output),
      Insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),                                     // return r0
  };
  static const char license[] = "GPL";  // the helper is GPL-only
  bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_SCHED_CLS;
  attr.insns = reinterpret_cast<uint64_t>(program);
  attr.insn_cnt = sizeof program / sizeof program[0];
  attr.license = reinterpret_cast<uint64_t>(license);
  std::strncpy(attr.prog_name, "ws_lost_marker", sizeof attr.prog_name - 1);
  prog_fd_ = static_cast<int>(Bpf(BPF_PROG_LOAD, &attr));
  if (prog_fd_ < 0) {
    // Kernels before 4.15 have no program names.
    std::memset(attr.prog_name, 0, sizeof attr.prog_name);
    prog_fd_ = static_cast<int>(Bpf(BPF_PROG_LOAD, &attr));
  }
  return prog_fd_ >= 0;
}

void LostMarker::Close() {
  if (prog_fd_ >= 0) close(prog_fd_);
  prog_fd_ = -1;
}

LostMarker::~LostMarker() {
  Close();
  if (map_fd_ >= 0) close(map_fd_);
}

int LostMarker::Submit(int cpu) {
  if (prog_fd_ < 0) return -ENOSYS;
  cpu_set_t saved, only;
  if (sched_getaffinity(0, sizeof saved, &saved) != 0) return -errno;
  CPU_ZERO(&only);
  CPU_SET(cpu, &only);
  if (sched_setaffinity(0, sizeof only, &only) != 0) return -errno;
  // A classifier's test run takes an Ethernet frame: a zeroed header is enough.
  uint8_t frame[14] = {};
  bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.test.prog_fd = static_cast<uint32_t>(prog_fd_);
  attr.test.data_in = reinterpret_cast<uint64_t>(frame);
  attr.test.data_size_in = sizeof frame;
  attr.test.repeat = 1;
  int result = Bpf(BPF_PROG_TEST_RUN, &attr) == 0 ? static_cast<int32_t>(attr.test.retval) : -errno;
  sched_setaffinity(0, sizeof saved, &saved);
  return result;
}

bool LostMarker::IsMarker(const void* raw, int size) {
  // 8 bytes submitted; the kernel pads a raw sample so that it ends on 8 bytes: 12 here.
  if (size < 8 || size > 12) return false;
  uint64_t head;
  std::memcpy(&head, raw, sizeof head);
  return head == kMagic;
}

}  // namespace ws
