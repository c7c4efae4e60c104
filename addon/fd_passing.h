// socketPair() and receiveFds(): how the fds of a program built by bcc-build reach us.
#pragma once
#include <napi.h>

namespace ws {
// socketPair(): [ours, theirs], both close-on-exec.
Napi::Value SocketPair(const Napi::CallbackInfo& info);
// receiveFds(socket): every fd queued on the socket, in the order sent; never blocks.
Napi::Value ReceiveFds(const Napi::CallbackInfo& info);
}  // namespace ws
