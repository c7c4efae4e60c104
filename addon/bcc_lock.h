// One lock for every libbcc call that writes to fd 2, which StderrCapture redirects while
// they run: the redirection is process-wide, so two at once (from two worker threads' copies
// of the addon) would catch each other's output.
#pragma once
#include <mutex>

namespace ws {
inline std::mutex& BccLock() {
  static std::mutex lock;
  return lock;
}
}  // namespace ws
