// The kernel objects of one built program — its maps' and programs' fds, received from
// bcc-build — and what is attached from them. Every attachment is remembered so close(), or
// the environment's teardown, takes it off the kernel even if JavaScript never called close().
#pragma once
#include <napi.h>

#include <string>
#include <vector>

namespace ws {
struct AddonData;

class BpfObjects : public Napi::ObjectWrap<BpfObjects> {
 public:
  static Napi::Function Init(Napi::Env env);

  // new BpfObjects(fds: number[]): owns those fds from then on.
  explicit BpfObjects(const Napi::CallbackInfo& info);
  ~BpfObjects() override;

  void Release();  // Detaches everything and closes every fd; safe to call twice.
  void Forget() { data_ = nullptr; }  // the environment is going away before us

 private:
  // How an attachment comes off the kernel: closing its fd is enough for tracepoints and for
  // probes made through the kprobe/uprobe PMU; probes libbcc had to create in tracefs (older
  // kernels) are also removed there by their event name.
  enum class Kind { kTracepoint, kKprobe, kUprobe };
  struct Attachment {
    int fd;
    Kind kind;
    std::string event;  // the probe's event name; empty for tracepoints
  };

  Napi::Value AttachKprobe(const Napi::CallbackInfo& info);
  Napi::Value AttachTracepoint(const Napi::CallbackInfo& info);
  Napi::Value AttachUprobe(const Napi::CallbackInfo& info);
  Napi::Value UpdateElement(const Napi::CallbackInfo& info);  // map_elements.cc
  Napi::Value LookupElement(const Napi::CallbackInfo& info);  // map_elements.cc
  Napi::Value Detach(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  int RequireOwnFd(Napi::Env env, const Napi::Value& value) const;
  Napi::Value AttachResult(Napi::Env env, int fd, int err, const std::string& stderr_text, Kind kind,
                           const std::string& event);
  static void DetachOne(const Attachment& a);

  AddonData* data_ = nullptr;
  bool closed_ = false;
  std::vector<int> fds_;
  std::vector<Attachment> attachments_;
};

}  // namespace ws
