#include "bpf_objects.h"

#include <bcc/bcc_syms.h>
#include <bcc/libbpf.h>
#include <errno.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "addon_data.h"
#include "bcc_lock.h"
#include "stderr_capture.h"

namespace ws {

Napi::Function BpfObjects::Init(Napi::Env env) {
  return DefineClass(env, "BpfObjects",
                     {
                         InstanceMethod("attachKprobe", &BpfObjects::AttachKprobe),
                         InstanceMethod("attachTracepoint", &BpfObjects::AttachTracepoint),
                         InstanceMethod("attachUprobe", &BpfObjects::AttachUprobe),
                         InstanceMethod("updateElement", &BpfObjects::UpdateElement),
                         InstanceMethod("lookupElement", &BpfObjects::LookupElement),
                         InstanceMethod("detach", &BpfObjects::Detach),
                         InstanceMethod("close", &BpfObjects::Close),
                     });
}

BpfObjects::BpfObjects(const Napi::CallbackInfo& info) : Napi::ObjectWrap<BpfObjects>(info) {
  if (info.Length() != 1 || !info[0].IsArray()) {
    throw Napi::TypeError::New(info.Env(), "new BpfObjects(fds: number[])");
  }
  Napi::Array fds = info[0].As<Napi::Array>();
  for (uint32_t i = 0; i < fds.Length(); i++) fds_.push_back(fds.Get(i).As<Napi::Number>().Int32Value());
  data_ = info.Env().GetInstanceData<AddonData>();
  data_->objects.insert(this);
}

BpfObjects::~BpfObjects() {
  Release();
  if (data_) data_->objects.erase(this);
}

void BpfObjects::DetachOne(const Attachment& a) {
  close(a.fd);
  if (a.kind == Kind::kTracepoint) return;
  StderrCapture quiet;  // libbcc complains on stderr when the event is already gone (PMU probes)
  if (a.kind == Kind::kKprobe) bpf_detach_kprobe(a.event.c_str());
  else bpf_detach_uprobe(a.event.c_str());
}

void BpfObjects::Release() {
  std::lock_guard<std::mutex> guard(BccLock());
  for (const auto& a : attachments_) DetachOne(a);
  attachments_.clear();
  for (int fd : fds_) close(fd);
  fds_.clear();
  closed_ = true;
}

int BpfObjects::RequireOwnFd(Napi::Env env, const Napi::Value& value) const {
  if (closed_) throw Napi::Error::New(env, "these BPF objects are closed");
  int fd = value.As<Napi::Number>().Int32Value();
  if (std::find(fds_.begin(), fds_.end(), fd) == fds_.end()) {
    throw Napi::Error::New(env, "fd " + std::to_string(fd) + " is not a map or program of these BPF objects");
  }
  return fd;
}

Napi::Value BpfObjects::AttachResult(Napi::Env env, int fd, int err, const std::string& stderr_text,
                                     Kind kind, const std::string& event) {
  if (fd >= 0) attachments_.push_back({fd, kind, event});
  Napi::Object result = Napi::Object::New(env);
  result.Set("fd", fd);
  result.Set("errno", fd < 0 ? err : 0);
  result.Set("error", fd < 0 && err ? std::string(strerror(err)) : std::string());
  result.Set("stderr", stderr_text);
  return result;
}

Napi::Value BpfObjects::AttachKprobe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int prog_fd = RequireOwnFd(env, info[0]);
  bool is_return = info[1].As<Napi::Boolean>();
  std::string event = info[2].As<Napi::String>();
  std::string kernel_fn = info[3].As<Napi::String>();
  std::lock_guard<std::mutex> guard(BccLock());
  StderrCapture capture;
  errno = 0;
  int fd = bpf_attach_kprobe(prog_fd, is_return ? BPF_PROBE_RETURN : BPF_PROBE_ENTRY,
                             event.c_str(), kernel_fn.c_str(), 0, 0);
  int err = errno;
  return AttachResult(env, fd, err, capture.Finish(), Kind::kKprobe, event);
}

Napi::Value BpfObjects::AttachTracepoint(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int prog_fd = RequireOwnFd(env, info[0]);
  std::string category = info[1].As<Napi::String>();
  std::string name = info[2].As<Napi::String>();
  std::lock_guard<std::mutex> guard(BccLock());
  StderrCapture capture;
  errno = 0;
  int fd = bpf_attach_tracepoint(prog_fd, category.c_str(), name.c_str());
  int err = errno;
  return AttachResult(env, fd, err, capture.Finish(), Kind::kTracepoint, "");
}

// attachUprobe(progFd, isReturn, event, binaryPath, symbol, pid): the symbol's file offset comes
// from libbcc's ELF reader, as BCC's own front ends find it; pid -1 probes every process that
// maps the binary.
Napi::Value BpfObjects::AttachUprobe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int prog_fd = RequireOwnFd(env, info[0]);
  bool is_return = info[1].As<Napi::Boolean>();
  std::string event = info[2].As<Napi::String>();
  std::string binary = info[3].As<Napi::String>();
  std::string symbol = info[4].As<Napi::String>();
  int pid = info[5].As<Napi::Number>().Int32Value();
  std::lock_guard<std::mutex> guard(BccLock());
  StderrCapture capture;
  struct bcc_symbol found = {};
  if (bcc_resolve_symname(binary.c_str(), symbol.c_str(), 0, pid < 0 ? 0 : pid, nullptr, &found) < 0) {
    // libbcc sets no errno here: the symbol is not in the binary's symbol tables (or no binary).
    return AttachResult(env, -1, ENOENT, capture.Finish(), Kind::kUprobe, event);
  }
  std::string module = found.module ? found.module : binary;
  bcc_procutils_free(found.module);
  errno = 0;
  int fd = bpf_attach_uprobe(prog_fd, is_return ? BPF_PROBE_RETURN : BPF_PROBE_ENTRY, event.c_str(),
                             module.c_str(), found.offset, pid, 0);
  int err = errno;
  return AttachResult(env, fd, err, capture.Finish(), Kind::kUprobe, event);
}

Napi::Value BpfObjects::Detach(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  auto it = std::find_if(attachments_.begin(), attachments_.end(),
                         [fd](const Attachment& a) { return a.fd == fd; });
  if (it == attachments_.end()) return Napi::Boolean::New(info.Env(), false);
  Attachment a = *it;
  attachments_.erase(it);
  std::lock_guard<std::mutex> guard(BccLock());
  DetachOne(a);
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value BpfObjects::Close(const Napi::CallbackInfo& info) {
  Release();
  return info.Env().Undefined();
}

}  // namespace ws
