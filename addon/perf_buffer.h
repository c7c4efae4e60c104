// Reads a BPF_PERF_OUTPUT table: one perf ring per CPU, polled on a native thread. Events are
// copied out of the ring (it moves on when the callback returns) into batches, and each batch
// reaches JavaScript in one call through a ThreadSafeFunction — never one call per event.
//
// The kernel drops events only when a ring is full, so the poller's one job is to empty the
// rings promptly: it runs at a real-time priority where allowed, and never waits for
// JavaScript — while one batch is with JavaScript, the next one grows.
#pragma once
#include <napi.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

struct perf_reader;

namespace ws {
struct AddonData;
class LostMarker;

class PerfBuffer : public Napi::ObjectWrap<PerfBuffer> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit PerfBuffer(const Napi::CallbackInfo& info);
  ~PerfBuffer() override;

  void Stop();  // Joins the poller and frees the rings; safe to call twice.
  void Forget() { data_ = nullptr; }

  // Filled by the ring callbacks on the poller thread.
  struct Batch {
    std::vector<uint8_t> bytes;
    std::vector<uint32_t> offsets{0};  // event i is bytes[offsets[i] .. offsets[i+1])
    uint64_t lost = 0;
    // CLOCK_MONOTONIC ns at the start of the last full drain of every ring (0: none since the
    // previous batch). An event stamped with bpf_ktime_get_ns() before it is in this batch or
    // an earlier one, which is what lets the reader put events in order without a long wait.
    uint64_t complete_ns = 0;
    // The last batch of this reader: everything the rings held, and every drop they counted
    // up to the end, has been handed over.
    bool final = false;
    bool empty() const { return offsets.size() == 1 && lost == 0 && complete_ns == 0 && !final; }
  };
  Batch pending_;

  // One CPU's ring: the cookie of its reader's callbacks.
  struct Ring {
    PerfBuffer* owner;
    int cpu;
    uint32_t markers_submitted = 0, markers_read = 0;
    // Markers the kernel refused because the ring was full: counted in its next LOST record,
    // but they are ours, not the learner's events.
    uint64_t own_drops = 0;
  };

 private:
  Napi::Value StopMethod(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);
  void PollLoop();
  // Hands sealed chunks, then the pending batch, to JavaScript, as many as it may hold (all
  // with `force`); false while some are left.
  bool Hand(bool force);
  void Send(Batch* batch);
  // The pending batch, grown to kHandOverBytes while JavaScript is busy, waits as it is:
  // JavaScript then takes chunks of a bounded size, whose events die young.
  void Seal();
  void RaisePriority();
  // Puts a marker in every ring (see lost_marker.h) so that drops the kernel counted come out
  // as LOST records; with `wait`, reads until every marker came back (the final drain).
  void SubmitMarkers(bool wait);
  void PlaceMarkers(bool wait);  // SubmitMarkers' work, with the marker program loaded
  void ReadAll();  // reads whatever every ring holds, without waiting

  std::vector<perf_reader*> readers_;
  std::vector<std::unique_ptr<Ring>> rings_;
  std::deque<Batch*> sealed_;  // oldest first; the poller thread's alone
  size_t sealed_bytes_ = 0;
  std::unique_ptr<LostMarker> marker_;
  size_t max_backlog_bytes_;
  Napi::ThreadSafeFunction on_batch_;
  std::thread poller_;
  std::atomic<bool> running_{false};
  // Batches handed to JavaScript and not yet taken. Shared with the calls in the queue: they
  // run on the JavaScript thread after stop(), when this object may already be collected.
  std::shared_ptr<std::atomic<int>> in_flight_ = std::make_shared<std::atomic<int>>(0);
  std::atomic<uint64_t> events_{0}, lost_{0}, batches_{0}, backlog_waits_{0}, marker_rounds_{0};
  // Whether every drop is reported: the marker program loaded, and (after stop) every
  // ring's marker came back.
  std::atomic<bool> lost_exact_{false};
  std::atomic<bool> realtime_{false};
  int flush_ms_ = 50;
  AddonData* data_ = nullptr;
  bool stopped_ = true;
};

}  // namespace ws
