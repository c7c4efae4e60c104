// bcc-compile-check: compiles one BCC program in a process of its own.
//
// LLVM aborts the whole process on some backend errors (a BPF stack over 512 bytes is one),
// and libbcc compiles in the caller's process. Compiling a learner's program here first lets
// the app survive such a crash and report it.
//
// Usage: bcc-compile-check [cflag...] < program.c
// Clang's diagnostics go to the inherited stderr. Exit status: 0 compiled, 3 did not
// compile, 2 could not read the program; a crash shows as a signal.
#include <bcc/bcc_common.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { COMPILED = 0, USAGE = 2, NOT_COMPILED = 3 };

// The whole of stdin as a NUL-terminated string, or NULL on a read error.
static char *read_all(FILE *in) {
  size_t size = 0, capacity = 1 << 16;
  char *text = malloc(capacity);
  while (text) {
    size += fread(text + size, 1, capacity - size - 1, in);
    if (ferror(in)) break;
    if (feof(in)) {
      text[size] = '\0';
      return text;
    }
    capacity *= 2;
    char *bigger = realloc(text, capacity);
    if (!bigger) break;
    text = bigger;
  }
  free(text);
  return NULL;
}

int main(int argc, char **argv) {
  char *text = read_all(stdin);
  if (!text) {
    fprintf(stderr, "bcc-compile-check: cannot read the program from stdin\n");
    return USAGE;
  }
  // argv[1..] are the cflags, in libbcc's const char *[] form.
  const char **cflags = (const char **)(argv + 1);
  void *module = bpf_module_create_c_from_string(text, 0, cflags, argc - 1, true, NULL);
  free(text);
  if (!module) return NOT_COMPILED;
  // Compiling created the maps; give them back before saying yes.
  bpf_module_destroy(module);
  return COMPILED;
}
