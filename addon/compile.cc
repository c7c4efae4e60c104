#include "compile.h"

#include <bcc/bcc_common.h>

#include <string>
#include <vector>

#include "bcc_lock.h"
#include "module.h"
#include "stderr_capture.h"

namespace ws {
namespace {

class CompileWorker : public Napi::AsyncWorker {
 public:
  CompileWorker(Napi::Env env, std::string source, std::vector<std::string> cflags)
      : Napi::AsyncWorker(env),
        deferred_(Napi::Promise::Deferred::New(env)),
        source_(std::move(source)),
        cflags_(std::move(cflags)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    std::vector<const char*> argv;
    for (const auto& f : cflags_) argv.push_back(f.c_str());
    std::lock_guard<std::mutex> guard(BccLock());
    StderrCapture capture;
    handle_ = bpf_module_create_c_from_string(source_.c_str(), 0, argv.data(),
                                              static_cast<int>(argv.size()), true, nullptr);
    stderr_ = capture.Finish();
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object result = Napi::Object::New(env);
    result.Set("module", handle_ ? Napi::Value(BpfModule::Wrap(env, handle_)) : env.Null());
    result.Set("stderr", stderr_);
    deferred_.Resolve(result);
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::string source_;
  std::vector<std::string> cflags_;
  void* handle_ = nullptr;
  std::string stderr_;
};

}  // namespace

Napi::Value Compile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsArray()) {
    throw Napi::TypeError::New(env, "compile(source: string, cflags: string[])");
  }
  std::vector<std::string> cflags;
  Napi::Array arr = info[1].As<Napi::Array>();
  for (uint32_t i = 0; i < arr.Length(); i++) cflags.push_back(arr.Get(i).ToString());
  auto* worker = new CompileWorker(env, info[0].As<Napi::String>(), std::move(cflags));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace ws
