#include "perf_buffer.h"

#include <bcc/libbpf.h>
#include <bcc/perf_reader.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cstring>

#include "addon_data.h"
#include "bcc_lock.h"
#include "libbcc_features.h"
#include "lost_marker.h"
#include "stderr_capture.h"

namespace ws {
namespace {

// At most two batches are with the JavaScript thread (one being handled, the next queued, so
// that a busy thread goes from one to the next without waiting for the poller); the poller
// keeps filling another meanwhile. So a busy JavaScript thread gets fewer, larger batches
// (each call has a fixed cost) — but none larger than kHandOverBytes, sealed in turn while it
// is busy — and an idle one gets each flush's events at once.
constexpr int kMaxInFlight = 2;

// Bytes read but not yet taken by JavaScript (unless the options say otherwise). Past this the
// poller stops reading for a moment: the rings fill and the kernel drops (and counts) events,
// rather than this process growing without bound when JavaScript cannot keep up for long.
constexpr size_t kMaxBacklogBytes = 64u << 20;

// Once this much batch memory has been freed (JavaScript let go of the batches) and no
// poller has read anything for kQuietNs, the allocator is asked to give freed memory back:
// it keeps what is freed for reuse, and the batches of a burst can add up to tens of MB.
constexpr size_t kTrimAfterBytes = 16u << 20;
constexpr uint64_t kQuietNs = 200000000;
std::atomic<size_t> freed_batch_bytes{0};
std::atomic<uint64_t> last_read_ns{0};  // by any poller of the process

// While reading, the rings are made to report their drops (lost_marker.h) at most this often.
constexpr uint64_t kMarkEveryNs = 1000000000;

// A batch this large goes to JavaScript without waiting for the next flush.
constexpr size_t kHandOverBytes = 1u << 20;

// Under a steady stream a ring wakes its reader every few dozen microseconds; a real-time
// thread would then preempt whoever runs tens of thousands of times a second. After reading,
// the poller lets events gather this long first (the rings hold far more than that).
constexpr uint64_t kPollPacingNs = 1000000;

uint64_t MonotonicNs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

void OnRawEvent(void* cookie, void* raw, int size) {
  auto* ring = static_cast<PerfBuffer::Ring*>(cookie);
  if (size <= 12 && LostMarker::IsMarker(raw, size)) {
    ring->markers_read++;
    return;
  }
  auto& batch = ring->owner->pending_;
  const auto* bytes = static_cast<const uint8_t*>(raw);
  batch.bytes.insert(batch.bytes.end(), bytes, bytes + size);
  batch.offsets.push_back(static_cast<uint32_t>(batch.bytes.size()));
}

void OnLostEvents(void* cookie, uint64_t lost) {
  auto* ring = static_cast<PerfBuffer::Ring*>(cookie);
  uint64_t own = lost < ring->own_drops ? lost : ring->own_drops;
  ring->own_drops -= own;
  ring->owner->pending_.lost += lost - own;
}

}  // namespace

Napi::Function PerfBuffer::Init(Napi::Env env) {
  return DefineClass(env, "PerfBuffer",
                     {InstanceMethod("stop", &PerfBuffer::StopMethod),
                      InstanceMethod("stats", &PerfBuffer::Stats)});
}

// new PerfBuffer(mapFd, cpus, {pageCount, wakeupEvents, flushMs, maxBacklogBytes?}, onBatch)
PerfBuffer::PerfBuffer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<PerfBuffer>(info) {
  Napi::Env env = info.Env();
  int map_fd = info[0].As<Napi::Number>().Int32Value();
  Napi::Array cpus = info[1].As<Napi::Array>();
  Napi::Object options = info[2].As<Napi::Object>();
  int page_count = options.Get("pageCount").As<Napi::Number>().Int32Value();
  int wakeup_events = options.Get("wakeupEvents").As<Napi::Number>().Int32Value();
  flush_ms_ = options.Get("flushMs").As<Napi::Number>().Int32Value();
  max_backlog_bytes_ = options.Has("maxBacklogBytes") && options.Get("maxBacklogBytes").IsNumber()
                           ? static_cast<size_t>(options.Get("maxBacklogBytes").As<Napi::Number>().Int64Value())
                           : kMaxBacklogBytes;
#if !WS_HAVE_WAKEUP_THRESHOLD
  wakeup_events = 1;
#endif

  std::string failure;
  {
    std::lock_guard<std::mutex> guard(BccLock());
    StderrCapture capture;
    for (uint32_t i = 0; i < cpus.Length() && failure.empty(); i++) {
      int cpu = cpus.Get(i).As<Napi::Number>().Int32Value();
      rings_.push_back(std::make_unique<Ring>(Ring{this, cpu}));
      void* cookie = rings_.back().get();
      errno = 0;
#if WS_HAVE_WAKEUP_THRESHOLD
      struct bcc_perf_buffer_opts opts = {};
      opts.pid = -1;
      opts.cpu = cpu;
      opts.wakeup_events = wakeup_events;
      auto* reader = static_cast<perf_reader*>(
          bpf_open_perf_buffer_opts(OnRawEvent, OnLostEvents, cookie, page_count, &opts));
#else
      auto* reader = static_cast<perf_reader*>(
          bpf_open_perf_buffer(OnRawEvent, OnLostEvents, cookie, -1, cpu, page_count));
#endif
      if (!reader) {
        failure = "cannot open the perf buffer of CPU " + std::to_string(cpu) + ": " + strerror(errno);
        break;
      }
      readers_.push_back(reader);
      int reader_fd = perf_reader_fd(reader);
      if (bpf_update_elem(map_fd, &cpu, &reader_fd, 0) < 0) {
        failure = "cannot register the perf buffer of CPU " + std::to_string(cpu) + ": " + strerror(errno);
      }
    }
    std::string said = capture.Finish();
    if (!failure.empty() && !said.empty()) failure += " (" + said.substr(0, said.find_last_not_of('\n') + 1) + ")";
  }
  if (!failure.empty()) {
    for (auto* r : readers_) perf_reader_free(r);
    readers_.clear();
    throw Napi::Error::New(env, failure);
  }

  marker_ = std::make_unique<LostMarker>(map_fd);
  lost_exact_ = marker_->ready();
  on_batch_ = Napi::ThreadSafeFunction::New(env, info[3].As<Napi::Function>(), "perf-buffer", 0, 1);
  data_ = env.GetInstanceData<AddonData>();
  data_->perf_buffers.insert(this);
  stopped_ = false;
  running_ = true;
  poller_ = std::thread(&PerfBuffer::PollLoop, this);
}

PerfBuffer::~PerfBuffer() {
  Stop();
  for (auto* batch : sealed_) delete batch;  // none after Stop() handed them over
  if (data_) data_->perf_buffers.erase(this);
}

// The poller is woken by the rings and must run soon after: on a loaded machine a thread of
// ordinary priority can wait longer than a ring takes to fill. Its work per wake-up is small
// (copy the events out), so the lowest real-time priority costs others little. Without the
// privilege (containers, some cgroups) it asks for a higher nice value instead, or stays as is.
void PerfBuffer::RaisePriority() {
  struct sched_param param = {};
  param.sched_priority = 1;
  if (pthread_setschedparam(pthread_self(), SCHED_FIFO, &param) == 0) {
    realtime_ = true;
    return;
  }
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), -10);
}

void PerfBuffer::PollLoop() {
  pthread_setname_np(pthread_self(), "ws-perf-poller");  // as top -H and /proc name it
  RaisePriority();
  // A capture starts right after a compile, which leaves tens of MB freed but kept by the
  // allocator (LLVM's working memory): the capture may run for hours, so give it back now.
  malloc_trim(0);
  const int n = static_cast<int>(readers_.size());
  const uint64_t flush_ns = static_cast<uint64_t>(flush_ms_) * 1000000u;
  // Flushes fall on a grid of the monotonic clock, the same for every poller of the process:
  // events are put in order up to the least of the outputs' drain times, which then lags
  // the newest by little rather than by up to a whole period.
  auto next_grid = [flush_ns](uint64_t t) { return (t / flush_ns + 1) * flush_ns; };
  uint64_t next_flush = next_grid(MonotonicNs());
  bool due = false;  // a flush happened since the last hand-over
  bool unmarked = false;  // events were read since the rings last got a marker
  uint64_t last_marked_ns = 0;
  while (running_) {
    if (sealed_bytes_ + pending_.bytes.size() >= max_backlog_bytes_ && in_flight_->load() > 0) {
      // JavaScript is far behind: let it catch up before reading more.
      backlog_waits_++;
      usleep(1000);
      Hand(false);
      continue;
    }
    uint64_t now = MonotonicNs();
    const uint64_t started = now;
    uint64_t until_flush = next_flush > now ? next_flush - now : 0;
    int wait_ms = static_cast<int>((until_flush + 999999u) / 1000000u);
    // A hand-over waits for JavaScript to take the previous batch: look again soon.
    if ((due || !sealed_.empty()) && wait_ms > 1) wait_ms = 1;
    size_t before = pending_.offsets.size();
    perf_reader_poll(n, readers_.data(), wait_ms);
    // A ring that reports ready with nothing to read (a CPU gone offline hangs up its ring)
    // would make poll return at once, again and again: never spin at real-time priority.
    bool returned_empty = wait_ms > 0 && pending_.offsets.size() == before && MonotonicNs() - now < 100000u;
    now = MonotonicNs();
    bool flushed = now >= next_flush;
    if (flushed) {
#if WS_HAVE_WAKEUP_THRESHOLD
      // Events below the wake-up threshold sit in the ring until something reads it: drain
      // every ring on a timer, so a lone event still arrives within flush_ms_, and note when
      // the drain began — everything stamped before then has now been read.
      perf_reader_consume(n, readers_.data());
      pending_.complete_ns = now;
#endif
      next_flush = next_grid(now);
      due = true;
    }
    bool read_nothing = pending_.offsets.size() == before;
    // Hand over at each flush — events can only be put in order up to a drain anyway — or
    // once a batch is large. In between the batch grows, so the fixed cost of a call into
    // JavaScript is spread over thousands of events rather than a wake-up's worth.
    if (pending_.bytes.size() >= kHandOverBytes) Seal();
    if ((due || !sealed_.empty()) && Hand(false)) due = false;
    if (returned_empty) usleep(1000);
    else if (!read_nothing) {
      uint64_t spent = MonotonicNs() - started;
      if (spent < kPollPacingNs) usleep(static_cast<useconds_t>((kPollPacingNs - spent) / 1000));
    }
    if (!read_nothing) {
      last_read_ns = now;
      unmarked = true;
    }
    // The first quiet flush after events (at most one a second: a round loads a program): if a
    // burst filled a ring, what it dropped is reported now rather than with whatever event
    // comes next, maybe much later.
    if (flushed && read_nothing && unmarked && now - last_marked_ns >= kMarkEveryNs) {
      SubmitMarkers(false);
      unmarked = false;
      last_marked_ns = now;
    }
    if (flushed && read_nothing && now - last_read_ns.load() > kQuietNs && freed_batch_bytes.load() >= kTrimAfterBytes) {
      freed_batch_bytes = 0;
      malloc_trim(0);
    }
  }
  // The final drain: what the rings hold, then every drop they counted up to now (the
  // caller detached the hooks first, so nothing more is coming).
  ReadAll();
  SubmitMarkers(true);
  pending_.complete_ns = MonotonicNs();
  pending_.final = true;
  Hand(true);
}

void PerfBuffer::ReadAll() {
  const int n = static_cast<int>(readers_.size());
#if WS_HAVE_WAKEUP_THRESHOLD
  perf_reader_consume(n, readers_.data());
#else
  // Every event wakes the reader here: poll without waiting until nothing is left.
  for (int rounds = 0; rounds < 1000 && perf_reader_poll(n, readers_.data(), 0) > 0; rounds++) {
  }
#endif
}

void PerfBuffer::SubmitMarkers(bool wait) {
  if (!marker_ || !marker_->ready()) return;
  if (!marker_->Open()) {
    lost_exact_ = false;
    return;
  }
  marker_rounds_++;
  PlaceMarkers(wait);
  marker_->Close();
}

void PerfBuffer::PlaceMarkers(bool wait) {
  std::vector<bool> placed(rings_.size(), false);
  // A ring still full refuses its marker (one more drop, counted as ours): read, try again.
  for (int attempt = 0; attempt < 5; attempt++) {
    for (size_t i = 0; i < rings_.size(); i++) {
      if (placed[i]) continue;
      int result = marker_->Submit(rings_[i]->cpu);
      if (result == 0) {
        placed[i] = true;
        rings_[i]->markers_submitted++;
      } else if (result == -ENOSPC) {
        rings_[i]->own_drops++;
      }
    }
    if (!wait) return;
    ReadAll();
    bool every = true;
    for (size_t i = 0; i < rings_.size(); i++) every = every && placed[i] && rings_[i]->markers_read >= rings_[i]->markers_submitted;
    if (every) return;
  }
  lost_exact_ = false;  // a ring never took its marker, or never gave it back
}

void PerfBuffer::Seal() {
  if (pending_.offsets.size() == 1) return;
  auto* batch = new Batch(std::move(pending_));
  sealed_bytes_ += batch->bytes.size();
  sealed_.push_back(batch);
  pending_ = Batch();
  pending_.bytes.reserve(kHandOverBytes + (64u << 10));
}

bool PerfBuffer::Hand(bool force) {
  for (;;) {
    if (sealed_.empty() && pending_.empty()) return true;
    if (!force && in_flight_->load() >= kMaxInFlight) return false;
    Batch* batch;
    if (!sealed_.empty()) {
      batch = sealed_.front();
      sealed_.pop_front();
      sealed_bytes_ -= batch->bytes.size();
    } else {
      batch = new Batch(std::move(pending_));
      pending_ = Batch();
      // The next batch will likely be as large: grow once rather than by doubling.
      pending_.bytes.reserve(batch->bytes.size());
      pending_.offsets.reserve(batch->offsets.size());
    }
    Send(batch);
  }
}

void PerfBuffer::Send(Batch* batch) {
  events_ += batch->offsets.size() - 1;
  lost_ += batch->lost;
  batches_++;
  ++*in_flight_;
  // The call must not touch this object: JavaScript drops a stopped PerfBuffer at once, and
  // the collector may free it while the final batches still wait in the queue.
  napi_status status = on_batch_.NonBlockingCall(batch, [in_flight = in_flight_](Napi::Env env, Napi::Function fn, Batch* b) {
    --*in_flight;
    if (env == nullptr) {  // the environment is shutting down
      delete b;
      return;
    }
    size_t count = b->offsets.size();
    Napi::Uint32Array offsets = Napi::Uint32Array::New(env, count);
    std::memcpy(offsets.Data(), b->offsets.data(), count * sizeof(uint32_t));
    double lost = static_cast<double>(b->lost);
    double complete_ns = static_cast<double>(b->complete_ns);
    bool final = b->final;
    Napi::Value bytes;
    if (b->bytes.empty()) {
      bytes = Napi::Buffer<uint8_t>::New(env, 0);
      delete b;
    } else {
      // The batch's own memory backs the Buffer; it is freed when JavaScript lets go of it.
      bytes = Napi::Buffer<uint8_t>::New(env, b->bytes.data(), b->bytes.size(),
                                         [](Napi::Env, uint8_t*, Batch* owned) {
                                           freed_batch_bytes += owned->bytes.capacity();
                                           delete owned;
                                         }, b);
    }
    fn.Call({bytes, offsets, Napi::Number::New(env, lost), Napi::Number::New(env, complete_ns), Napi::Boolean::New(env, final)});
  });
  if (status != napi_ok) {
    --*in_flight_;
    delete batch;
  }
}

void PerfBuffer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  running_ = false;
  if (poller_.joinable()) poller_.join();
  // perf_reader_free spins while another thread reads: the poller is joined by now.
  for (auto* r : readers_) perf_reader_free(r);
  readers_.clear();
  on_batch_.Release();
}

Napi::Value PerfBuffer::StopMethod(const Napi::CallbackInfo& info) {
  Stop();
  return info.Env().Undefined();
}

Napi::Value PerfBuffer::Stats(const Napi::CallbackInfo& info) {
  Napi::Object s = Napi::Object::New(info.Env());
  s.Set("events", static_cast<double>(events_.load()));
  s.Set("lost", static_cast<double>(lost_.load()));
  s.Set("batches", static_cast<double>(batches_.load()));
  // Times the poller paused because JavaScript had too much unread, and whether it got a
  // real-time priority: for `npm run bench` and for questions about lost events.
  s.Set("backlogWaits", static_cast<double>(backlog_waits_.load()));
  s.Set("realtime", realtime_.load());
  // Whether `lost` is every drop (see lost_marker.h), and how often the rings were marked.
  s.Set("lostExact", lost_exact_.load());
  s.Set("markerRounds", static_cast<double>(marker_rounds_.load()));
  s.Set("running", !stopped_);
  return s;
}

}  // namespace ws
