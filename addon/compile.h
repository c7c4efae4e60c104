// compile(source, cflags) -> Promise<{ module: BpfModule | null, stderr: string }>
// Runs clang through libbcc on a worker thread (it takes seconds) with fd 2 captured.
#pragma once
#include <napi.h>

namespace ws {
Napi::Value Compile(const Napi::CallbackInfo& info);
}
