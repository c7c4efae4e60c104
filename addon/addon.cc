// Entry point of the native addon: the thin layer over libbcc that TypeScript drives.
// What it exports is described exactly by src/native/addon.d.ts.
#include <napi.h>

#include "addon_data.h"
#include "compile.h"
#include "module.h"
#include "perf_buffer.h"
#include "features.h"

namespace ws {
namespace {

// Runs when the environment is torn down: pollers stop and probes come off the kernel even
// if JavaScript never got to call close().
void Teardown(Napi::Env, AddonData* data) {
  for (auto* buffer : data->perf_buffers) {
    buffer->Stop();
    buffer->Forget();
  }
  for (auto* module : data->modules) {
    module->Release();
    module->Forget();
  }
  delete data;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  env.SetInstanceData<AddonData, Teardown>(data);
  Napi::Function module_ctor = BpfModule::Init(env);
  Napi::Function perf_ctor = PerfBuffer::Init(env);
  data->module_ctor = Napi::Persistent(module_ctor);
  data->perf_buffer_ctor = Napi::Persistent(perf_ctor);

  exports.Set("compile", Napi::Function::New(env, Compile, "compile"));
  exports.Set("BpfModule", module_ctor);
  exports.Set("PerfBuffer", perf_ctor);
  exports.Set("libbccVersion", WS_BCC_VERSION);
  Napi::Object features = Napi::Object::New(env);
#ifdef WS_HAVE_FUNC_LOAD_ATTACH_TYPE
  features.Set("loadAttachType", true);
#else
  features.Set("loadAttachType", false);
#endif
  features.Set("wakeupThreshold", static_cast<bool>(WS_HAVE_WAKEUP_THRESHOLD));
  exports.Set("features", features);
  return exports;
}

}  // namespace
}  // namespace ws

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return ws::Init(env, exports); }
NODE_API_MODULE(bcc_addon, InitAddon)
