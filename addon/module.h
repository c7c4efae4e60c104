// A compiled BCC module: what it contains (functions, tables, perf-output fields), and the
// programs loaded and attached from it. Every attachment is remembered so close() — or the
// environment's teardown — removes it from the kernel.
#pragma once
#include <napi.h>

#include <string>
#include <vector>

namespace ws {
struct AddonData;

class BpfModule : public Napi::ObjectWrap<BpfModule> {
 public:
  static Napi::Function Init(Napi::Env env);
  // Wraps a handle from bpf_module_create_c_from_string; the object owns it from then on.
  static Napi::Object Wrap(Napi::Env env, void* handle);

  explicit BpfModule(const Napi::CallbackInfo& info);
  ~BpfModule() override;

  void* handle() const { return handle_; }
  void Release();  // Detaches, unloads and destroys everything; safe to call twice.
  void Forget() { data_ = nullptr; }  // the environment is going away before us

 private:
  struct Attachment {
    int fd;
    std::string kprobe_event;  // empty for tracepoints
  };

  Napi::Value FunctionNames(const Napi::CallbackInfo& info);
  Napi::Value Tables(const Napi::CallbackInfo& info);
  Napi::Value PerfEventFields(const Napi::CallbackInfo& info);
  Napi::Value TableFd(const Napi::CallbackInfo& info);
  Napi::Value LoadFunction(const Napi::CallbackInfo& info);
  Napi::Value UnloadFunction(const Napi::CallbackInfo& info);
  Napi::Value AttachKprobe(const Napi::CallbackInfo& info);
  Napi::Value AttachTracepoint(const Napi::CallbackInfo& info);
  Napi::Value Detach(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  void* RequireHandle(Napi::Env env) const;
  Napi::Value AttachResult(Napi::Env env, int fd, int err, const std::string& stderr_text,
                           const std::string& kprobe_event);
  void DetachOne(const Attachment& a);

  void* handle_ = nullptr;
  AddonData* data_ = nullptr;
  std::vector<Attachment> attachments_;
  std::vector<int> program_fds_;
  friend class LoadWorker;
};

}  // namespace ws
