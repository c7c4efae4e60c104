// One lock for every libbcc call that touches process-wide state: a compile chdir()s the
// whole process into the kernel-header tree, and compiles and loads write to fd 2, which
// we redirect while they run. Serialising them keeps both effects contained.
#pragma once
#include <mutex>

namespace ws {
inline std::mutex& BccLock() {
  static std::mutex lock;
  return lock;
}
}  // namespace ws
