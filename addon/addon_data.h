// Per-environment state: constructors, and every live native object so that an exiting
// process (or a worker thread's teardown) can stop pollers and detach probes even when the
// JavaScript side never called close().
#pragma once
#include <napi.h>

#include <set>

namespace ws {
class BpfObjects;
class PerfBuffer;

struct AddonData {
  Napi::FunctionReference objects_ctor;
  Napi::FunctionReference perf_buffer_ctor;
  std::set<BpfObjects*> objects;
  std::set<PerfBuffer*> perf_buffers;
};
}  // namespace ws
