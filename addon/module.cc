#include "module.h"

#include <bcc/bcc_common.h>
#include <bcc/libbpf.h>
#include <errno.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "addon_data.h"
#include "bcc_lock.h"
#include "features.h"
#include "stderr_capture.h"

namespace ws {

// ---- loading: asynchronous, because the verifier can take a while on large programs ----

class LoadWorker : public Napi::AsyncWorker {
 public:
  LoadWorker(Napi::Env env, BpfModule* owner, Napi::Object owner_obj, std::string name,
             int prog_type, int attach_type)
      : Napi::AsyncWorker(env),
        deferred_(Napi::Promise::Deferred::New(env)),
        owner_(owner),
        name_(std::move(name)),
        prog_type_(prog_type),
        attach_type_(attach_type) {
    owner_ref_ = Napi::Persistent(owner_obj);  // keep the module alive while we run
  }
  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    std::lock_guard<std::mutex> guard(BccLock());
    void* mod = owner_->handle_;
    if (!mod) {
      errno_ = EBADF;
      return;
    }
    auto* insns = static_cast<const struct bpf_insn*>(bpf_function_start(mod, name_.c_str()));
    if (!insns) {
      errno_ = ENOENT;
      return;
    }
    int size = static_cast<int>(bpf_function_size(mod, name_.c_str()));
    // The kernel truncates a log that does not fit (ENOSPC): grow the buffer and retry.
    for (unsigned log_size = 1u << 16; log_size <= (1u << 26); log_size <<= 2) {
      std::vector<char> log(log_size, 0);
      StderrCapture capture;
      errno = 0;
      fd_ = WS_FUNC_LOAD(mod, prog_type_, name_.c_str(), insns, size, bpf_module_license(mod),
                         bpf_module_kern_version(mod), 0, log.data(), log_size, nullptr,
                         attach_type_);
      errno_ = fd_ < 0 ? errno : 0;
      stderr_ = capture.Finish();
      log_.assign(log.data(), strnlen(log.data(), log_size));
      if (fd_ >= 0 || errno_ != ENOSPC) break;
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (fd_ >= 0) owner_->program_fds_.push_back(fd_);
    Napi::Object result = Napi::Object::New(env);
    result.Set("fd", fd_);
    result.Set("errno", errno_);
    result.Set("error", errno_ ? std::string(strerror(errno_)) : std::string());
    result.Set("log", log_);
    result.Set("stderr", stderr_);
    deferred_.Resolve(result);
  }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference owner_ref_;
  BpfModule* owner_;
  std::string name_;
  int prog_type_, attach_type_;
  int fd_ = -1, errno_ = 0;
  std::string log_, stderr_;
};

// ---- construction ----

Napi::Function BpfModule::Init(Napi::Env env) {
  return DefineClass(env, "BpfModule",
                     {
                         InstanceMethod("functionNames", &BpfModule::FunctionNames),
                         InstanceMethod("tables", &BpfModule::Tables),
                         InstanceMethod("perfEventFields", &BpfModule::PerfEventFields),
                         InstanceMethod("tableFd", &BpfModule::TableFd),
                         InstanceMethod("loadFunction", &BpfModule::LoadFunction),
                         InstanceMethod("unloadFunction", &BpfModule::UnloadFunction),
                         InstanceMethod("attachKprobe", &BpfModule::AttachKprobe),
                         InstanceMethod("attachTracepoint", &BpfModule::AttachTracepoint),
                         InstanceMethod("detach", &BpfModule::Detach),
                         InstanceMethod("close", &BpfModule::Close),
                     });
}

Napi::Object BpfModule::Wrap(Napi::Env env, void* handle) {
  auto* data = env.GetInstanceData<AddonData>();
  return data->module_ctor.New({Napi::External<void>::New(env, handle)});
}

BpfModule::BpfModule(const Napi::CallbackInfo& info) : Napi::ObjectWrap<BpfModule>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "BpfModule is created by compile()");
  }
  handle_ = info[0].As<Napi::External<void>>().Data();
  data_ = info.Env().GetInstanceData<AddonData>();
  data_->modules.insert(this);
}

BpfModule::~BpfModule() {
  Release();
  if (data_) data_->modules.erase(this);
}

void BpfModule::DetachOne(const Attachment& a) {
  close(a.fd);
  if (!a.kprobe_event.empty()) {
    StderrCapture quiet;  // libbcc complains on stderr when the event is already gone
    bpf_detach_kprobe(a.kprobe_event.c_str());
  }
}

void BpfModule::Release() {
  std::lock_guard<std::mutex> guard(BccLock());
  for (const auto& a : attachments_) DetachOne(a);
  attachments_.clear();
  for (int fd : program_fds_) close(fd);
  program_fds_.clear();
  if (handle_) bpf_module_destroy(handle_);
  handle_ = nullptr;
}

void* BpfModule::RequireHandle(Napi::Env env) const {
  if (!handle_) throw Napi::Error::New(env, "the BPF module is closed");
  return handle_;
}

// ---- introspection ----

Napi::Value BpfModule::FunctionNames(const Napi::CallbackInfo& info) {
  void* mod = RequireHandle(info.Env());
  size_t n = bpf_num_functions(mod);
  Napi::Array names = Napi::Array::New(info.Env(), n);
  for (size_t i = 0; i < n; i++) names.Set(i, bpf_function_name(mod, i));
  return names;
}

static Napi::Value OrNull(Napi::Env env, const char* s) {
  return s ? Napi::String::New(env, s) : env.Null();
}

Napi::Value BpfModule::Tables(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  void* mod = RequireHandle(env);
  size_t n = bpf_num_tables(mod);
  Napi::Array tables = Napi::Array::New(env, n);
  for (size_t i = 0; i < n; i++) {
    Napi::Object t = Napi::Object::New(env);
    t.Set("name", OrNull(env, bpf_table_name(mod, i)));
    t.Set("type", bpf_table_type_id(mod, i));
    t.Set("fd", bpf_table_fd_id(mod, i));
    t.Set("keySize", static_cast<double>(bpf_table_key_size_id(mod, i)));
    t.Set("leafSize", static_cast<double>(bpf_table_leaf_size_id(mod, i)));
    t.Set("maxEntries", static_cast<double>(bpf_table_max_entries_id(mod, i)));
    t.Set("flags", bpf_table_flags_id(mod, i));
    t.Set("keyDesc", OrNull(env, bpf_table_key_desc_id(mod, i)));
    t.Set("leafDesc", OrNull(env, bpf_table_leaf_desc_id(mod, i)));
    tables.Set(i, t);
  }
  return tables;
}

Napi::Value BpfModule::PerfEventFields(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  void* mod = RequireHandle(env);
  std::string event = info[0].As<Napi::String>();
  size_t n = bpf_perf_event_fields(mod, event.c_str());
  Napi::Array fields = Napi::Array::New(env, n);
  for (size_t i = 0; i < n; i++) fields.Set(i, OrNull(env, bpf_perf_event_field(mod, event.c_str(), i)));
  return fields;
}

Napi::Value BpfModule::TableFd(const Napi::CallbackInfo& info) {
  void* mod = RequireHandle(info.Env());
  std::string name = info[0].As<Napi::String>();
  return Napi::Number::New(info.Env(), bpf_table_fd(mod, name.c_str()));
}

// ---- programs ----

Napi::Value BpfModule::LoadFunction(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireHandle(env);
  std::string name = info[0].As<Napi::String>();
  int prog_type = info[1].As<Napi::Number>().Int32Value();
  int attach_type = info.Length() > 2 && info[2].IsNumber() ? info[2].As<Napi::Number>().Int32Value() : 0;
  auto* worker = new LoadWorker(env, this, info.This().As<Napi::Object>(), name, prog_type, attach_type);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value BpfModule::UnloadFunction(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  auto it = std::find(program_fds_.begin(), program_fds_.end(), fd);
  if (it == program_fds_.end()) return Napi::Boolean::New(info.Env(), false);
  program_fds_.erase(it);
  close(fd);
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value BpfModule::AttachResult(Napi::Env env, int fd, int err, const std::string& stderr_text,
                                    const std::string& kprobe_event) {
  if (fd >= 0) attachments_.push_back({fd, kprobe_event});
  Napi::Object result = Napi::Object::New(env);
  result.Set("fd", fd);
  result.Set("errno", fd < 0 ? err : 0);
  result.Set("error", fd < 0 && err ? std::string(strerror(err)) : std::string());
  result.Set("stderr", stderr_text);
  return result;
}

Napi::Value BpfModule::AttachKprobe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireHandle(env);
  int prog_fd = info[0].As<Napi::Number>().Int32Value();
  bool is_return = info[1].As<Napi::Boolean>();
  std::string event = info[2].As<Napi::String>();
  std::string kernel_fn = info[3].As<Napi::String>();
  std::lock_guard<std::mutex> guard(BccLock());
  StderrCapture capture;
  errno = 0;
  int fd = bpf_attach_kprobe(prog_fd, is_return ? BPF_PROBE_RETURN : BPF_PROBE_ENTRY,
                             event.c_str(), kernel_fn.c_str(), 0, 0);
  int err = errno;
  return AttachResult(env, fd, err, capture.Finish(), event);
}

Napi::Value BpfModule::AttachTracepoint(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireHandle(env);
  int prog_fd = info[0].As<Napi::Number>().Int32Value();
  std::string category = info[1].As<Napi::String>();
  std::string name = info[2].As<Napi::String>();
  std::lock_guard<std::mutex> guard(BccLock());
  StderrCapture capture;
  errno = 0;
  int fd = bpf_attach_tracepoint(prog_fd, category.c_str(), name.c_str());
  int err = errno;
  return AttachResult(env, fd, err, capture.Finish(), "");
}

Napi::Value BpfModule::Detach(const Napi::CallbackInfo& info) {
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

Napi::Value BpfModule::Close(const Napi::CallbackInfo& info) {
  Release();
  return info.Env().Undefined();
}

}  // namespace ws
