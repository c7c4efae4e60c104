// The receiving end of bcc-build's fds: a socket pair whose other end the child inherits as
// fd 3, and a non-blocking read of the SCM_RIGHTS messages it left there before exiting.
// Node's own sockets cannot carry arbitrary fds, hence these two functions.
#include "fd_passing.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace ws {

Napi::Value SocketPair(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int pair[2];
  // CLOEXEC on both: spawn dup2()s the child's end onto its fd 3, which clears the flag there.
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) {
    throw Napi::Error::New(env, std::string("socketpair: ") + strerror(errno));
  }
  Napi::Array result = Napi::Array::New(env, 2);
  result.Set(0u, pair[0]);
  result.Set(1u, pair[1]);
  return result;
}

Napi::Value ReceiveFds(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int socket_fd = info[0].As<Napi::Number>().Int32Value();
  Napi::Array fds = Napi::Array::New(env);
  uint32_t count = 0;
  for (;;) {
    char byte;
    struct iovec iov = {&byte, 1};
    alignas(struct cmsghdr) char control[CMSG_SPACE(253 * sizeof(int))];
    struct msghdr msg = {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = recvmsg(socket_fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // nothing more queued (EAGAIN), or the other end is gone
    for (auto* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      size_t received = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      int* data = reinterpret_cast<int*>(CMSG_DATA(c));
      for (size_t i = 0; i < received; i++) fds.Set(count++, data[i]);
    }
    if (msg.msg_flags & MSG_CTRUNC) {
      throw Napi::Error::New(env, "receiving fds: the control message was cut short");
    }
  }
  return fds;
}

}  // namespace ws
