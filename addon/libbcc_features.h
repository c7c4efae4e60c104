// libbcc API differences between releases, detected by CMake against the installed headers
// (see CMakeLists.txt), so one source builds on 0.18 through 0.29+.
#pragma once

// 0.25 added an attach_type argument to bcc_func_load.
#ifdef WS_HAVE_FUNC_LOAD_ATTACH_TYPE
#define WS_FUNC_LOAD(mod, type, name, insns, size, license, kver, level, buf, buf_size, dev, attach) \
  bcc_func_load(mod, type, name, insns, size, license, kver, level, buf, buf_size, dev, attach)
#else
#define WS_FUNC_LOAD(mod, type, name, insns, size, license, kver, level, buf, buf_size, dev, attach) \
  ((void)(attach), bcc_func_load(mod, type, name, insns, size, license, kver, level, buf, buf_size, dev))
#endif

// Wake-up thresholds (bpf_open_perf_buffer_opts) and draining without a wake-up
// (perf_reader_consume) are missing from old releases: there, every event wakes the reader.
#if defined(WS_HAVE_PERF_BUFFER_OPTS) && defined(WS_HAVE_PERF_READER_CONSUME)
#define WS_HAVE_WAKEUP_THRESHOLD 1
#else
#define WS_HAVE_WAKEUP_THRESHOLD 0
#endif
