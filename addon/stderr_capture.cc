#include "stderr_capture.h"

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

namespace ws {

StderrCapture::StderrCapture() {
  fflush(stderr);
  capture_fd_ = memfd_create("ebpf-workshop-stderr", MFD_CLOEXEC);
  if (capture_fd_ < 0) return;  // Nothing to capture into: let output through untouched.
  saved_fd_ = dup(STDERR_FILENO);
  if (saved_fd_ < 0 || dup2(capture_fd_, STDERR_FILENO) < 0) {
    if (saved_fd_ >= 0) close(saved_fd_);
    close(capture_fd_);
    saved_fd_ = capture_fd_ = -1;
  }
}

std::string StderrCapture::Finish() {
  if (finished_ || capture_fd_ < 0) return "";
  finished_ = true;
  fflush(stderr);
  dup2(saved_fd_, STDERR_FILENO);
  close(saved_fd_);
  std::string text;
  char chunk[8192];
  ssize_t n;
  if (lseek(capture_fd_, 0, SEEK_SET) == 0) {
    while ((n = read(capture_fd_, chunk, sizeof chunk)) > 0) text.append(chunk, n);
  }
  close(capture_fd_);
  return text;
}

StderrCapture::~StderrCapture() { Finish(); }

}  // namespace ws
