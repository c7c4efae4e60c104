// Reading and writing one element of a map of these BPF objects (the workshop writes a target's
// pid into a learner's `BPF_PERCPU_ARRAY(pid, int, 1)`). Bytes in, bytes out: the caller knows
// the key and value layout, including a per-CPU map's one value per possible CPU, each rounded
// up to 8 bytes, as the kernel wants them.
#include <bcc/libbpf.h>
#include <errno.h>

#include <cstring>
#include <vector>

#include "bpf_objects.h"

namespace ws {

// updateElement(mapFd, key: Buffer, value: Buffer) -> errno (0 on success).
Napi::Value BpfObjects::UpdateElement(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int map_fd = RequireOwnFd(env, info[0]);
  auto key = info[1].As<Napi::Buffer<uint8_t>>();
  auto value = info[2].As<Napi::Buffer<uint8_t>>();
  // libbpf's signature takes non-const pointers; the kernel only reads them.
  std::vector<uint8_t> key_copy(key.Data(), key.Data() + key.Length());
  std::vector<uint8_t> value_copy(value.Data(), value.Data() + value.Length());
  errno = 0;
  int rc = bpf_update_elem(map_fd, key_copy.data(), value_copy.data(), BPF_ANY);
  return Napi::Number::New(env, rc < 0 ? (errno ? errno : EINVAL) : 0);
}

// lookupElement(mapFd, key: Buffer, valueSize) -> Buffer, or null when the key is absent.
Napi::Value BpfObjects::LookupElement(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int map_fd = RequireOwnFd(env, info[0]);
  auto key = info[1].As<Napi::Buffer<uint8_t>>();
  uint32_t size = info[2].As<Napi::Number>().Uint32Value();
  std::vector<uint8_t> key_copy(key.Data(), key.Data() + key.Length());
  auto value = Napi::Buffer<uint8_t>::New(env, size);
  std::memset(value.Data(), 0, size);
  if (bpf_lookup_elem(map_fd, key_copy.data(), value.Data()) < 0) {
    if (errno == ENOENT) return env.Null();
    throw Napi::Error::New(env, std::string("reading a map element: ") + strerror(errno));
  }
  return value;
}

}  // namespace ws
