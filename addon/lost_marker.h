// Makes every CPU's perf ring of one BPF_PERF_OUTPUT report what it dropped.
//
// When a ring is full the kernel drops the event and counts it, but it writes that count (a
// LOST record) into the ring only together with the next event that fits. At the end of a
// capture — or after a burst that filled the rings — there may be no next event, and the
// drops would go unreported. So we submit one ourselves: a tiny program of ours, run on each
// CPU in turn (BPF_PROG_TEST_RUN), writes a marker into that CPU's ring; the kernel puts the
// pending LOST record in front of it, and the reader skips the marker.
#pragma once
#include <cstdint>
#include <vector>

namespace ws {

class LostMarker {
 public:
  // Keeps its own copy of the map's fd, and checks that the kernel takes the marker program
  // (ready() is false when it does not: too old for BPF_PROG_TEST_RUN of a classifier, or no
  // privilege). The program is loaded only for a round of markers (Open … Close), so that
  // between rounds the process holds no program of ours.
  explicit LostMarker(int perf_map_fd);
  ~LostMarker();
  LostMarker(const LostMarker&) = delete;
  LostMarker& operator=(const LostMarker&) = delete;

  bool ready() const { return ready_; }
  bool Open();
  void Close();
  // Writes a marker into the ring of `cpu`, running on that CPU (the calling thread moves
  // there and back), between Open() and Close(). Returns 0 when the marker is in the ring,
  // else a negative errno (-ENOSPC: that ring is full; the marker then counts as one more
  // lost event, ours).
  int Submit(int cpu);

  // What a marker looks like to a ring's reader: `size` bytes (the 8 submitted, padded by
  // the kernel) starting with kMagic.
  static bool IsMarker(const void* raw, int size);
  static constexpr uint64_t kMagic = 0x216e696172647377ull;  // "wsdrain!" read little-endian

 private:
  int map_fd_ = -1;
  int prog_fd_ = -1;
  bool ready_ = false;
};

}  // namespace ws
