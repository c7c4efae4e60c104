// Captures what libbcc and clang write to file descriptor 2 while a call runs, so that
// diagnostics and verifier logs reach the caller as data instead of the learner's terminal.
// libbcc has no capture API; redirecting fd 2 is the only way. Used by the addon (attaches,
// perf buffers) and by bcc-build (each load). In the addon, hold ws::BccLock() while an
// instance is alive: the redirection is process-wide.
#pragma once
#include <string>

namespace ws {
class StderrCapture {
 public:
  StderrCapture();
  ~StderrCapture();
  StderrCapture(const StderrCapture&) = delete;
  StderrCapture& operator=(const StderrCapture&) = delete;
  // Restores fd 2 and returns everything written to it since construction.
  std::string Finish();

 private:
  int saved_fd_ = -1;
  int capture_fd_ = -1;
  bool finished_ = false;
};
}  // namespace ws
