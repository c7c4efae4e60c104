// Entry point of the native addon: the thin layer over libbcc_bpf that TypeScript drives —
// attaching programs, reading perf outputs, receiving fds. Compiling happens in bcc-build.
// What it exports is described exactly by src/native/bccAddon.d.ts.
#include <napi.h>

#include "addon_data.h"
#include "bpf_objects.h"
#include "fd_passing.h"
#include "perf_buffer.h"
#include "libbcc_features.h"

namespace ws {
namespace {

// Runs when the environment is torn down: pollers stop and probes come off the kernel even
// if JavaScript never got to call close().
void Teardown(Napi::Env, AddonData* data) {
  for (auto* buffer : data->perf_buffers) {
    buffer->Stop();
    buffer->Forget();
  }
  for (auto* objects : data->objects) {
    objects->Release();
    objects->Forget();
  }
  delete data;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  env.SetInstanceData<AddonData, Teardown>(data);
  Napi::Function objects_ctor = BpfObjects::Init(env);
  Napi::Function perf_ctor = PerfBuffer::Init(env);
  data->objects_ctor = Napi::Persistent(objects_ctor);
  data->perf_buffer_ctor = Napi::Persistent(perf_ctor);

  exports.Set("socketPair", Napi::Function::New(env, SocketPair, "socketPair"));
  exports.Set("receiveFds", Napi::Function::New(env, ReceiveFds, "receiveFds"));
  exports.Set("BpfObjects", objects_ctor);
  exports.Set("PerfBuffer", perf_ctor);
  exports.Set("libbccVersion", WS_BCC_VERSION);
  Napi::Object features = Napi::Object::New(env);
  features.Set("wakeupThreshold", static_cast<bool>(WS_HAVE_WAKEUP_THRESHOLD));
  exports.Set("features", features);
  return exports;
}

}  // namespace
}  // namespace ws

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return ws::Init(env, exports); }
NODE_API_MODULE(bcc_addon, InitAddon)
