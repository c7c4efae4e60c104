// The workshop's demo server: the program whose traffic the learner's eBPF hooks capture.
//
// It is native on purpose. The tutorial hooks exactly accept4 (with a real sockaddr), read,
// write and close, which is what the original workshop's Go server does. Node's http server
// calls accept4 without an address and answers with writev; Python's uses recvfrom/sendto.
// So every connection here goes through accept4/read/write/close and nothing else, and each
// response's status line, headers and the start of its body leave in one write() so that a
// hook looking for a buffer that starts with "HTTP" sees the whole response head.
//
//   POST /customResponse  {"size": N}  ->  200 {"answer": "<N random alphanumerics>"}
//
// One detached thread per connection keeps the code straight-line; the main thread only
// accepts. Usage: demo-server [--host ADDR] [--port N] [--user UID:GID] [--request-timeout S]
// [--max-connections N] [--exit-with-parent]
//
// It faces whatever a learner (or a fuzzer) sends: the head must be text, every request must
// arrive whole within the request timeout however slowly it trickles in, at most
// --max-connections are served at once (503 beyond, over TLS on the HTTPS listener), and it
// never keeps root.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "demo_server_tls.h"

#define MAX_HEADER_BYTES (64 * 1024)
#define MAX_BODY_BYTES (1024 * 1024)
#define MAX_ANSWER_SIZE 10485760LL /* 10 MiB */
#define PORT_TRIES 20
#define JSON_MAX_DEPTH 64
#define THREAD_STACK_BYTES (256 * 1024)
#define DRAIN_SECONDS 1

// ---------------------------------------------------------------------------------------------
// Deadlines. Each connection has its own thread, so its deadline is thread state (like
// rng_state below): every read and write on the connection must finish before it. A per-read
// timeout would let a client that sends a byte every few seconds hold a thread forever.

static _Thread_local struct timespec io_deadline;

static void set_deadline(long seconds) {
  clock_gettime(CLOCK_MONOTONIC, &io_deadline);
  io_deadline.tv_sec += seconds;
}

// Arms the socket's timeout (SO_RCVTIMEO or SO_SNDTIMEO) with what is left before the
// deadline, so the next blocking read() or write() cannot outlast it. False once it has passed.
static bool arm_timeout(int fd, int option) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  long long left_us = (long long)(io_deadline.tv_sec - now.tv_sec) * 1000000 + (io_deadline.tv_nsec - now.tv_nsec) / 1000;
  if (left_us <= 0) return false;
  struct timeval left = {.tv_sec = (time_t)(left_us / 1000000), .tv_usec = (suseconds_t)(left_us % 1000000)};
  return setsockopt(fd, SOL_SOCKET, option, &left, sizeof left) == 0;
}

// ---------------------------------------------------------------------------------------------
// Writing responses

// write() until everything is out: sockets may take a large response in several pieces.
static bool write_all(int fd, const char *data, size_t len) {
  while (len > 0) {
    if (!arm_timeout(fd, SO_SNDTIMEO)) return false;
    ssize_t n = write(fd, data, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    len -= (size_t)n;
  }
  return true;
}

static const char *reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Internal Server Error";
  }
}

// Allocates one buffer holding the response head followed by room for body_len bytes, so the
// caller can fill the body in place and send head and body with a single write().
static char *begin_response(int status, bool keep_alive, const char *extra_headers, size_t body_len,
                            size_t *head_len) {
  char head[512];
  int n = snprintf(head, sizeof head,
                   "HTTP/1.1 %d %s\r\n"
                   "Content-Type: application/json\r\n"
                   "Content-Length: %zu\r\n"
                   "Connection: %s\r\n"
                   "%s"
                   "\r\n",
                   status, reason_phrase(status), body_len, keep_alive ? "keep-alive" : "close",
                   extra_headers ? extra_headers : "");
  if (n < 0 || (size_t)n >= sizeof head) return NULL;
  char *buf = malloc((size_t)n + body_len);
  if (!buf) return NULL;
  memcpy(buf, head, (size_t)n);
  *head_len = (size_t)n;
  return buf;
}

// Appends text as the inside of a JSON string (quotes and backslashes escaped).
static size_t json_escape(char *out, const char *text) {
  size_t n = 0;
  for (const char *c = text; *c; c++) {
    if (*c == '"' || *c == '\\') out[n++] = '\\';
    out[n++] = *c;
  }
  return n;
}

static bool send_error(int fd, int status, bool keep_alive, const char *extra_headers, const char *message) {
  // Worst case every character of the message is escaped.
  size_t cap = strlen("{\"error\": \"\"}") + 2 * strlen(message);
  char *body = malloc(cap);
  if (!body) return false;
  size_t len = 0;
  len += (size_t)sprintf(body, "{\"error\": \"");
  len += json_escape(body + len, message);
  memcpy(body + len, "\"}", 2);
  len += 2;

  size_t head_len;
  char *response = begin_response(status, keep_alive, extra_headers, len, &head_len);
  bool ok = response != NULL;
  if (ok) {
    memcpy(response + head_len, body, len);
    ok = write_all(fd, response, head_len + len);
  }
  free(response);
  free(body);
  return ok;
}

// ---------------------------------------------------------------------------------------------
// Random answers: a per-thread xorshift generator seeded once from getrandom(), which is its own
// syscall rather than a read() of /dev/urandom that would show up in the learner's read hook.

static _Thread_local uint64_t rng_state;

static uint64_t rng_next(void) {
  if (rng_state == 0) {
    if (getrandom(&rng_state, sizeof rng_state, 0) != (ssize_t)sizeof rng_state || rng_state == 0) {
      rng_state = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&rng_state ^ 0x9E3779B97F4A7C15ULL;
    }
  }
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545F4914F6CDD1DULL;
}

static void fill_alphanumeric(char *out, size_t n) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  size_t i = 0;
  while (i < n) {
    uint64_t bits = rng_next();
    // Ten 6-bit draws per number; values 62 and 63 are skipped so every character is equally likely.
    for (int k = 0; k < 10 && i < n; k++, bits >>= 6) {
      unsigned v = (unsigned)(bits & 63);
      if (v < 62) out[i++] = alphabet[v];
    }
  }
}

static bool send_answer(int fd, bool keep_alive, size_t size) {
  static const char prefix[] = "{\"answer\": \"";
  static const char suffix[] = "\"}";
  size_t body_len = (sizeof prefix - 1) + size + (sizeof suffix - 1);
  size_t head_len;
  char *response = begin_response(200, keep_alive, NULL, body_len, &head_len);
  if (!response) return false;
  char *body = response + head_len;
  memcpy(body, prefix, sizeof prefix - 1);
  fill_alphanumeric(body + sizeof prefix - 1, size);
  memcpy(body + sizeof prefix - 1 + size, suffix, sizeof suffix - 1);
  bool ok = write_all(fd, response, head_len + body_len);
  free(response);
  return ok;
}

// ---------------------------------------------------------------------------------------------
// The request body: a small JSON validator that also picks out the top-level "size" member.

struct json {
  const char *p, *end;
  const char *error;        // first problem found, as a sentence fragment
  const char *size_start;   // the raw token of the top-level "size" value, if any
  const char *size_end;
};

static bool json_fail(struct json *j, const char *error) {
  if (!j->error) j->error = error;
  return false;
}

static void json_skip_ws(struct json *j) {
  while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}

static bool json_literal(struct json *j, const char *word) {
  size_t n = strlen(word);
  if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0) return json_fail(j, "unexpected character");
  j->p += n;
  return true;
}

static bool json_string(struct json *j) {
  j->p++;  // opening quote
  while (j->p < j->end) {
    unsigned char c = (unsigned char)*j->p++;
    if (c == '"') return true;
    if (c < 0x20) return json_fail(j, "control character inside a string");
    if (c == '\\') {
      if (j->p >= j->end) break;
      char e = *j->p++;
      if (e == 'u') {
        for (int k = 0; k < 4; k++, j->p++) {
          if (j->p >= j->end || !isxdigit((unsigned char)*j->p)) return json_fail(j, "bad \\u escape in a string");
        }
      } else if (!strchr("\"\\/bfnrt", e)) {
        return json_fail(j, "bad escape in a string");
      }
    }
  }
  return json_fail(j, "unterminated string");
}

static bool json_digits(struct json *j) {
  const char *start = j->p;
  while (j->p < j->end && isdigit((unsigned char)*j->p)) j->p++;
  return j->p > start;
}

static bool json_number(struct json *j) {
  if (*j->p == '-') j->p++;
  if (j->p < j->end && *j->p == '0') {
    j->p++;
  } else if (!json_digits(j)) {
    return json_fail(j, "bad number");
  }
  if (j->p < j->end && *j->p == '.') {
    j->p++;
    if (!json_digits(j)) return json_fail(j, "bad number");
  }
  if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
    j->p++;
    if (j->p < j->end && (*j->p == '+' || *j->p == '-')) j->p++;
    if (!json_digits(j)) return json_fail(j, "bad number");
  }
  return true;
}

static bool json_value(struct json *j, int depth);

static bool json_object(struct json *j, int depth) {
  j->p++;  // {
  json_skip_ws(j);
  if (j->p < j->end && *j->p == '}') {
    j->p++;
    return true;
  }
  for (;;) {
    json_skip_ws(j);
    if (j->p >= j->end || *j->p != '"') return json_fail(j, "expected a quoted member name");
    const char *key = j->p + 1;
    if (!json_string(j)) return false;
    bool is_size = depth == 0 && j->p - 1 - key == 4 && memcmp(key, "size", 4) == 0;
    json_skip_ws(j);
    if (j->p >= j->end || *j->p != ':') return json_fail(j, "expected ':' after a member name");
    j->p++;
    json_skip_ws(j);
    const char *value = j->p;
    if (!json_value(j, depth + 1)) return false;
    if (is_size) {
      j->size_start = value;
      j->size_end = j->p;
    }
    json_skip_ws(j);
    if (j->p < j->end && *j->p == ',') {
      j->p++;
      continue;
    }
    if (j->p < j->end && *j->p == '}') {
      j->p++;
      return true;
    }
    return json_fail(j, "expected ',' or '}' in an object");
  }
}

static bool json_array(struct json *j, int depth) {
  j->p++;  // [
  json_skip_ws(j);
  if (j->p < j->end && *j->p == ']') {
    j->p++;
    return true;
  }
  for (;;) {
    json_skip_ws(j);
    if (!json_value(j, depth + 1)) return false;
    json_skip_ws(j);
    if (j->p < j->end && *j->p == ',') {
      j->p++;
      continue;
    }
    if (j->p < j->end && *j->p == ']') {
      j->p++;
      return true;
    }
    return json_fail(j, "expected ',' or ']' in an array");
  }
}

static bool json_value(struct json *j, int depth) {
  if (depth > JSON_MAX_DEPTH) return json_fail(j, "nested too deeply");
  json_skip_ws(j);
  if (j->p >= j->end) return json_fail(j, "unexpected end of input");
  switch (*j->p) {
    case '{': return json_object(j, depth);
    case '[': return json_array(j, depth);
    case '"': return json_string(j);
    case 't': return json_literal(j, "true");
    case 'f': return json_literal(j, "false");
    case 'n': return json_literal(j, "null");
    default:
      if (*j->p == '-' || isdigit((unsigned char)*j->p)) return json_number(j);
      return json_fail(j, "unexpected character");
  }
}

// Reads {"size": N} from a request body. On success returns NULL and sets *size; otherwise
// returns the message to send back with a 400 (written into message_buf when it needs details).
static const char *parse_size_request(const char *body, size_t len, long long *size, char *message_buf,
                                      size_t message_cap) {
  struct json j = {.p = body, .end = body + len};
  json_skip_ws(&j);
  if (j.p == j.end) return "the request body is empty: send a JSON object like {\"size\": 50}";
  bool is_object = *j.p == '{';
  bool ok = json_value(&j, 0);
  if (ok) {
    json_skip_ws(&j);
    if (j.p != j.end) ok = json_fail(&j, "unexpected text after the JSON value");
  }
  if (!ok) {
    snprintf(message_buf, message_cap, "the request body is not valid JSON (%s at byte %td): send a JSON object like {\"size\": 50}",
             j.error, j.p - body);
    return message_buf;
  }
  if (!is_object) return "the request body must be a JSON object like {\"size\": 50}";
  if (!j.size_start) return "the request body has no \"size\": send a JSON object like {\"size\": 50}";

  const char *t = j.size_start;
  size_t tlen = (size_t)(j.size_end - j.size_start);
  bool negative = *t == '-';
  bool integer = tlen > (negative ? 1u : 0u);
  for (size_t i = negative ? 1 : 0; i < tlen; i++) integer = integer && isdigit((unsigned char)t[i]);
  if (!integer) {
    if (*t == '-' || isdigit((unsigned char)*t)) {
      // A number, just not a whole one ("1.5", "1e3").
      return "\"size\" must be a whole number of characters, like {\"size\": 50}";
    }
    return "\"size\" must be a number, like {\"size\": 50}";
  }
  if (negative) {
    // "-0" is a whole number and not below zero.
    bool zero = true;
    for (size_t i = 1; i < tlen; i++) zero = zero && t[i] == '0';
    if (!zero) return "\"size\" must not be negative";
    *size = 0;
    return NULL;
  }
  long long value = 0;
  for (size_t i = 0; i < tlen; i++) {
    value = value * 10 + (t[i] - '0');
    if (value > MAX_ANSWER_SIZE) return "\"size\" must be at most 10485760 (10 MiB)";
  }
  *size = value;
  return NULL;
}

// ---------------------------------------------------------------------------------------------
// Reading requests

struct connection {
  int fd;
  char *buf;   // bytes read but not yet consumed (may hold the start of a pipelined request)
  size_t len;
  size_t cap;
};

enum read_result { READ_OK, READ_CLOSED, READ_FAILED, READ_TIMED_OUT };

// One read() appended to the connection's buffer, growing it as needed.
static enum read_result read_more(struct connection *c, size_t limit) {
  if (c->len == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 16 * 1024;
    if (cap > limit) cap = limit;
    if (cap <= c->len) return READ_FAILED;
    char *buf = realloc(c->buf, cap);
    if (!buf) return READ_FAILED;
    c->buf = buf;
    c->cap = cap;
  }
  for (;;) {
    if (!arm_timeout(c->fd, SO_RCVTIMEO)) return READ_TIMED_OUT;
    ssize_t n = read(c->fd, c->buf + c->len, c->cap - c->len);
    if (n > 0) {
      c->len += (size_t)n;
      return READ_OK;
    }
    if (n == 0) return READ_CLOSED;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK ? READ_TIMED_OUT : READ_FAILED;
  }
}

struct request {
  char method[32];
  char path[2048];
  int minor_version;      // HTTP/1.x
  bool keep_alive;
  bool expect_continue;
  bool chunked;
  bool has_length;
  size_t content_length;
  size_t head_len;        // bytes up to and including the blank line
};

static bool has_token(const char *value, const char *token) {
  size_t n = strlen(token);
  for (const char *p = value; *p;) {
    while (*p == ' ' || *p == '\t' || *p == ',') p++;
    const char *start = p;
    while (*p && *p != ',') p++;
    const char *end = p;
    while (end > start && (end[-1] == ' ' || end[-1] == '\t')) end--;
    if ((size_t)(end - start) == n && strncasecmp(start, token, n) == 0) return true;
  }
  return false;
}

// The head is text: lines end in CRLF, and the only control byte inside a line is a tab. A NUL
// or any other (a lone CR or LF included) gets a 400 before the string functions below see it.
static const char *head_bytes_problem(const char *head, size_t len) {
  for (size_t i = 0; i < len; i++) {
    unsigned char b = (unsigned char)head[i];
    if (b == '\r' && i + 1 < len && head[i + 1] == '\n') {
      i++;
    } else if (b == '\r' || b == '\n') {
      return "a line of the request head does not end in CRLF: end every line with \\r\\n";
    } else if (b == '\0') {
      return "the request head holds a NUL byte: headers must be text";
    } else if ((b < 0x20 && b != '\t') || b == 0x7f) {
      return "the request head holds a control byte: headers must be text";
    }
  }
  return NULL;
}

// Parses the head in c->buf[0..head_len). Returns 0 or the status to reject the request with.
static int parse_head(const struct connection *c, size_t head_len, struct request *r, const char **why) {
  memset(r, 0, sizeof *r);
  r->head_len = head_len;
  const char *bad_bytes = head_bytes_problem(c->buf, head_len);
  if (bad_bytes) {
    *why = bad_bytes;
    return 400;
  }
  // Work on a NUL-terminated copy so the string functions stay simple.
  char *head = malloc(head_len + 1);
  if (!head) return 500;
  memcpy(head, c->buf, head_len);
  head[head_len] = '\0';
  int status = 0;

  // head_bytes_problem() guarantees every line ends in CRLF; checked anyway, never written through NULL.
  char *line_end = strstr(head, "\r\n");
  if (!line_end) {
    status = 400, *why = "the request line must end in CRLF";
    goto done;
  }
  *line_end = '\0';
  char method[32], target[2048], version[16];
  char extra;
  if (strlen(head) >= sizeof target ||
      sscanf(head, "%31s %2047s %15s %c", method, target, version, &extra) != 3) {
    status = 400, *why = "the request line must be METHOD PATH HTTP/1.1";
    goto done;
  }
  if (strncmp(version, "HTTP/1.", 7) != 0 || (version[7] != '0' && version[7] != '1') || version[8]) {
    status = 505, *why = "only HTTP/1.0 and HTTP/1.1 are supported";
    goto done;
  }
  r->minor_version = version[7] - '0';
  r->keep_alive = r->minor_version == 1;
  memcpy(r->method, method, sizeof r->method);
  char *query = strchr(target, '?');
  if (query) *query = '\0';
  memcpy(r->path, target, sizeof r->path);

  for (char *line = line_end + 2; *line && !(line[0] == '\r' && line[1] == '\n');) {
    char *end = strstr(line, "\r\n");
    if (!end) {
      status = 400, *why = "a header line must end in CRLF";
      goto done;
    }
    *end = '\0';
    char *colon = strchr(line, ':');
    if (!colon || colon == line) {
      status = 400, *why = "a header line has no name: value";
      goto done;
    }
    *colon = '\0';
    char *value = colon + 1;
    while (*value == ' ' || *value == '\t') value++;
    char *value_end = value + strlen(value);
    while (value_end > value && (value_end[-1] == ' ' || value_end[-1] == '\t')) *--value_end = '\0';

    if (strcasecmp(line, "Content-Length") == 0) {
      if (!*value || strspn(value, "0123456789") != strlen(value) || strlen(value) > 12) {
        status = 400, *why = "Content-Length must be a number of bytes";
        goto done;
      }
      size_t length = (size_t)strtoull(value, NULL, 10);
      if (r->has_length && length != r->content_length) {
        status = 400, *why = "the request has two different Content-Length headers";
        goto done;
      }
      r->has_length = true;
      r->content_length = length;
    } else if (strcasecmp(line, "Connection") == 0) {
      if (has_token(value, "close")) r->keep_alive = false;
      else if (has_token(value, "keep-alive")) r->keep_alive = true;
    } else if (strcasecmp(line, "Transfer-Encoding") == 0) {
      r->chunked = true;
    } else if (strcasecmp(line, "Expect") == 0) {
      r->expect_continue = strcasecmp(value, "100-continue") == 0;
    }
    line = end + 2;
  }
  if (r->chunked) {
    status = 501, *why = "chunked request bodies are not supported: send a Content-Length";
  } else if (r->content_length > MAX_BODY_BYTES) {
    status = 413, *why = "the request body is larger than 1 MiB";
  }
done:
  free(head);
  return status;
}

static const char *find_blank_line(const char *buf, size_t len) {
  if (len < 4) return NULL;  // also covers the buffer not being allocated yet
  return memmem(buf, len, "\r\n\r\n", 4);
}

// ---------------------------------------------------------------------------------------------
// One connection, from accept to close

// What happens to a connection after serve_one().
enum next_step {
  NEXT_REQUEST,          // keep-alive: read the next request
  CLOSE_AFTER_RESPONSE,  // we answered and the connection ends here (Connection: close, errors)
  CLOSE_NOW,             // the client left, went idle, or the socket failed
};

static enum next_step after_send(bool sent, bool keep_alive) {
  if (!sent) return CLOSE_NOW;
  return keep_alive ? NEXT_REQUEST : CLOSE_AFTER_RESPONSE;
}

// Answers one complete request.
static enum next_step handle_request(struct connection *c, const struct request *r) {
  const char *body = c->buf + r->head_len;
  if (strcmp(r->path, "/customResponse") != 0) {
    char message[320];
    snprintf(message, sizeof message, "no such path %.200s: the demo server answers POST /customResponse", r->path);
    return after_send(send_error(c->fd, 404, r->keep_alive, NULL, message), r->keep_alive);
  }
  if (strcmp(r->method, "POST") != 0) {
    char message[96];
    snprintf(message, sizeof message, "method %.31s is not allowed on /customResponse: use POST", r->method);
    return after_send(send_error(c->fd, 405, r->keep_alive, "Allow: POST\r\n", message), r->keep_alive);
  }
  long long size = 0;
  char message_buf[200];
  const char *problem = parse_size_request(body, r->content_length, &size, message_buf, sizeof message_buf);
  if (problem) return after_send(send_error(c->fd, 400, r->keep_alive, NULL, problem), r->keep_alive);
  return after_send(send_answer(c->fd, r->keep_alive, (size_t)size), r->keep_alive);
}

// Each request must arrive whole within this many seconds of the connection opening or of the
// previous answer (--request-timeout); an idle connection is closed after it too.
static long request_timeout_seconds = 30;

// After read_more() failed: a request cut short by its deadline is told so (408); an idle
// connection, or one the client closed, just ends.
static enum next_step after_read_failure(struct connection *c, enum read_result result) {
  if (result != READ_TIMED_OUT || c->len == 0) return CLOSE_NOW;
  set_deadline(DRAIN_SECONDS);
  char message[128];
  snprintf(message, sizeof message, "the request did not arrive whole within %ld s", request_timeout_seconds);
  return after_send(send_error(c->fd, 408, false, NULL, message), false);
}

// Reads one request into c->buf and answers it.
static enum next_step serve_one(struct connection *c) {
  set_deadline(request_timeout_seconds);
  const char *blank;
  enum read_result result;
  while (!(blank = find_blank_line(c->buf, c->len))) {
    if (c->len >= MAX_HEADER_BYTES) {
      return after_send(send_error(c->fd, 431, false, NULL, "the request headers are larger than 64 KiB"), false);
    }
    if ((result = read_more(c, MAX_HEADER_BYTES)) != READ_OK) return after_read_failure(c, result);
  }
  size_t head_len = (size_t)(blank - c->buf) + 4;
  struct request r;
  const char *why = "the request could not be read";
  int status = parse_head(c, head_len, &r, &why);
  if (status) return after_send(send_error(c->fd, status, false, NULL, why), false);

  size_t total = head_len + r.content_length;
  if (r.expect_continue && c->len < total) {
    static const char go_on[] = "HTTP/1.1 100 Continue\r\n\r\n";
    if (!write_all(c->fd, go_on, sizeof go_on - 1)) return CLOSE_NOW;
  }
  while (c->len < total) {
    if ((result = read_more(c, total > c->cap ? total : c->cap)) != READ_OK) return after_read_failure(c, result);
  }
  set_deadline(request_timeout_seconds);  // the answer gets its own time
  enum next_step next = handle_request(c, &r);
  // Keep whatever followed this request: it is the start of the next one.
  memmove(c->buf, c->buf + total, c->len - total);
  c->len -= total;
  return next;
}

// Closing with unread request bytes in the socket makes the kernel send a reset, which can
// destroy the response we just wrote before the client reads it. So when we are the side that
// ends the connection, say so (shutdown), read away what the client still sends for a moment,
// and only then close.
// The drain has one deadline for all its reads, like a request.
static void drain_before_close(int fd) {
  shutdown(fd, SHUT_WR);
  set_deadline(DRAIN_SECONDS);
  char sink[4096];
  size_t drained = 0;
  ssize_t n;
  while (drained < MAX_BODY_BYTES && arm_timeout(fd, SO_RCVTIMEO) && (n = read(fd, sink, sizeof sink)) > 0) drained += (size_t)n;
}

// Connections being served now, at most max_connections (--max-connections); beyond that a
// client gets a 503: from the main thread on the plain listener, from a short-lived refusal
// thread over TLS (demo_server_tls.c, which caps those too).
static atomic_long open_connections;
static long max_connections = 256;

void *connection_thread(void *arg) {
  struct connection c = {.fd = (int)(intptr_t)arg};
  enum next_step next;
  while ((next = serve_one(&c)) == NEXT_REQUEST) {
  }
  if (next == CLOSE_AFTER_RESPONSE) drain_before_close(c.fd);
  close(c.fd);
  free(c.buf);
  atomic_fetch_sub(&open_connections, 1);
  return NULL;
}

// Answers 503 without blocking the accept loop: the socket is made non-blocking, the answer (a
// few hundred bytes, which a fresh socket always has room for) is written, what the client
// already sent is read away so the close is not a reset, and the connection ends.
static void refuse_busy(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  set_deadline(DRAIN_SECONDS);
  char message[128];
  snprintf(message, sizeof message, "the demo server is busy: it serves at most %ld connections at once; try again", max_connections);
  send_error(fd, 503, false, "Retry-After: 1\r\n", message);
  shutdown(fd, SHUT_WR);
  char sink[4096];
  for (int i = 0; i < 16 && read(fd, sink, sizeof sink) > 0; i++) {
  }
  close(fd);
}

// ---------------------------------------------------------------------------------------------
// Listening, privileges, signals

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

static void usage(FILE *out) {
  fprintf(out,
          "usage: demo-server [--host ADDR] [--port N] [--user UID:GID] [--request-timeout S]\n"
          "                   [--max-connections N] [--exit-with-parent]\n"
          "  --host ADDR          address to listen on (default 127.0.0.1)\n"
          "  --port N             port to listen on (default 8080; if busy, the next free one of %d;\n"
          "                       0 picks any free port)\n"
          "  --user UID:GID       when started as root, switch to this user after binding (default:\n"
          "                       SUDO_UID:SUDO_GID under sudo, else nobody; it never keeps root)\n"
          "  --request-timeout S  each request must arrive whole within S seconds of the connection\n"
          "                       opening or of the previous answer; idle connections close then too\n"
          "                       (default 30)\n"
          "  --max-connections N  serve at most N connections at once, answer 503 beyond (default 256)\n"
          "  --exit-with-parent   stop when the process that started us exits\n"
          "  --tls                serve HTTPS (a key and self-signed certificate made at start, in memory)\n"
          "  --print-self-signed  print a fresh key and self-signed certificate (PEM) and exit\n",
          PORT_TRIES);
}

static bool parse_number(const char *text, long max, long *out) {
  char *end;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno || end == text || *end || v < 0 || v > max) return false;
  *out = v;
  return true;
}

// Resolves --host to one address, preferring IPv4 (the tutorial's curl uses -4).
static bool resolve_host(const char *host, struct sockaddr_storage *addr, socklen_t *len) {
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
  struct addrinfo *list;
  if (getaddrinfo(host, NULL, &hints, &list) != 0) return false;
  struct addrinfo *pick = list;
  for (struct addrinfo *a = list; a; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      pick = a;
      break;
    }
  }
  memcpy(addr, pick->ai_addr, pick->ai_addrlen);
  *len = pick->ai_addrlen;
  freeaddrinfo(list);
  return true;
}

static void set_port(struct sockaddr_storage *addr, int port) {
  if (addr->ss_family == AF_INET) ((struct sockaddr_in *)addr)->sin_port = htons((uint16_t)port);
  else ((struct sockaddr_in6 *)addr)->sin6_port = htons((uint16_t)port);
}

// Binds the first free port of port, port+1, ... (PORT_TRIES of them); port 0 means any.
static int listen_on(struct sockaddr_storage *addr, socklen_t len, int port) {
  int tries = port == 0 ? 1 : PORT_TRIES;
  for (int i = 0; i < tries && port + i <= 65535; i++) {
    int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    set_port(addr, port + i);
    if (bind(fd, (struct sockaddr *)addr, len) == 0 && listen(fd, 128) == 0) return fd;
    int err = errno;
    close(fd);
    if (err != EADDRINUSE) {
      errno = err;
      return -1;
    }
  }
  errno = EADDRINUSE;
  return -1;
}

static bool drop_privileges(uid_t uid, gid_t gid) {
  gid_t groups[1] = {gid};
  if (setgroups(1, groups) != 0 || setgid(gid) != 0 || setuid(uid) != 0) return false;
  // Make sure the switch cannot be undone (it could be if only the effective id changed).
  return uid == 0 || setuid(0) != 0;
}

int main(int argc, char **argv) {
  pid_t parent = getppid();  // for --exit-with-parent
  const char *host = "127.0.0.1";
  long port = 8080;
  bool switch_user = false, exit_with_parent = false, tls = false;
  long uid = 0, gid = 0;

  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    const char *value = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      usage(stdout);
      return 0;
    } else if (strcmp(arg, "--exit-with-parent") == 0) {
      exit_with_parent = true;
    } else if (strcmp(arg, "--tls") == 0) {
      tls = true;
    } else if (strcmp(arg, "--print-self-signed") == 0) {
      return tls_print_self_signed(stdout) ? 0 : 1;
    } else if (strcmp(arg, "--host") == 0 && value) {
      host = value, i++;
    } else if (strcmp(arg, "--port") == 0 && value) {
      if (!parse_number(value, 65535, &port)) {
        fprintf(stderr, "demo-server: --port must be a number from 0 to 65535, not '%s'\n", value);
        return 2;
      }
      i++;
    } else if (strcmp(arg, "--request-timeout") == 0 && value) {
      if (!parse_number(value, 86400, &request_timeout_seconds) || request_timeout_seconds == 0) {
        fprintf(stderr, "demo-server: --request-timeout must be a number of seconds from 1 to 86400, not '%s'\n", value);
        return 2;
      }
      i++;
    } else if (strcmp(arg, "--max-connections") == 0 && value) {
      if (!parse_number(value, 65536, &max_connections) || max_connections == 0) {
        fprintf(stderr, "demo-server: --max-connections must be a number from 1 to 65536, not '%s'\n", value);
        return 2;
      }
      i++;
    } else if (strcmp(arg, "--user") == 0 && value) {
      char uid_text[32], gid_text[32];
      const char *colon = strchr(value, ':');
      if (!colon || (size_t)(colon - value) >= sizeof uid_text || strlen(colon + 1) >= sizeof gid_text) {
        fprintf(stderr, "demo-server: --user must be UID:GID in numbers, not '%s'\n", value);
        return 2;
      }
      snprintf(uid_text, sizeof uid_text, "%.*s", (int)(colon - value), value);
      snprintf(gid_text, sizeof gid_text, "%s", colon + 1);
      if (!parse_number(uid_text, INT_MAX, &uid) || !parse_number(gid_text, INT_MAX, &gid)) {
        fprintf(stderr, "demo-server: --user must be UID:GID in numbers, not '%s'\n", value);
        return 2;
      }
      switch_user = true, i++;
    } else {
      fprintf(stderr, "demo-server: unknown or incomplete option '%s'\n", arg);
      usage(stderr);
      return 2;
    }
  }

  // As root without --user: the user behind sudo, else nobody. The demo server never needs
  // root, so a root login, `su -` or a container does not leave it root either.
  if (!switch_user && geteuid() == 0) {
    const char *sudo_uid = getenv("SUDO_UID"), *sudo_gid = getenv("SUDO_GID");
    if (!(sudo_uid && sudo_gid && parse_number(sudo_uid, INT_MAX, &uid) && parse_number(sudo_gid, INT_MAX, &gid) && uid != 0)) {
      const struct passwd *nobody = getpwnam("nobody");
      uid = nobody ? (long)nobody->pw_uid : 65534;
      gid = nobody ? (long)nobody->pw_gid : 65534;
    }
    switch_user = true;
  }
  if (switch_user && uid == 0) {
    fprintf(stderr, "demo-server: --user 0 would keep root, which the demo server never needs: give another user\n");
    return 2;
  }
  if (switch_user && geteuid() != 0 && (uid_t)uid != geteuid()) {
    fprintf(stderr, "demo-server: --user %ld:%ld needs root to switch users; run without --user\n", uid, gid);
    return 2;
  }

  if (tls && !tls_init()) return 1;

  struct sockaddr_storage addr;
  socklen_t addr_len;
  if (!resolve_host(host, &addr, &addr_len)) {
    fprintf(stderr, "demo-server: cannot resolve --host '%s': give an address such as 127.0.0.1\n", host);
    return 1;
  }
  int listen_fd = listen_on(&addr, addr_len, (int)port);
  if (listen_fd < 0) {
    if (errno == EADDRINUSE) {
      fprintf(stderr, "demo-server: ports %ld-%ld on %s are all in use: pass another --port (0 picks a free one)\n",
              port, port + PORT_TRIES - 1, host);
    } else {
      fprintf(stderr, "demo-server: cannot listen on %s port %ld: %s\n", host, port, strerror(errno));
    }
    return 1;
  }

  if (switch_user && geteuid() == 0 && !drop_privileges((uid_t)uid, (gid_t)gid)) {
    fprintf(stderr, "demo-server: cannot switch to user %ld:%ld: %s\n", uid, gid, strerror(errno));
    return 1;
  }
  if (exit_with_parent) {
    // Set after the user switch, which clears it. If the parent has already gone (we were
    // reparented), stop now: the signal would never come.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) return 0;
  }

  // Signals are blocked everywhere except while the main thread waits in ppoll(), so a
  // SIGTERM is never lost between checking the flag and waiting, and connection threads
  // (which inherit the mask) never see EINTR.
  signal(SIGPIPE, SIG_IGN);
  struct sigaction sa = {.sa_handler = on_stop_signal};
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigset_t stop_signals, wait_mask;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, &wait_mask);
  sigdelset(&wait_mask, SIGTERM);
  sigdelset(&wait_mask, SIGINT);

  struct sockaddr_storage bound;
  socklen_t bound_len = sizeof bound;
  getsockname(listen_fd, (struct sockaddr *)&bound, &bound_len);
  char text[INET6_ADDRSTRLEN];
  if (bound.ss_family == AF_INET) {
    inet_ntop(AF_INET, &((struct sockaddr_in *)&bound)->sin_addr, text, sizeof text);
    printf("listening %s:%d\n", text, ntohs(((struct sockaddr_in *)&bound)->sin_port));
  } else {
    inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&bound)->sin6_addr, text, sizeof text);
    printf("listening [%s]:%d\n", text, ntohs(((struct sockaddr_in6 *)&bound)->sin6_port));
  }
  fflush(stdout);

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, THREAD_STACK_BYTES);

  while (!stop_requested) {
    struct pollfd pfd = {.fd = listen_fd, .events = POLLIN};
    if (ppoll(&pfd, 1, NULL, &wait_mask) < 0) continue;  // EINTR: the loop checks the flag

    struct sockaddr_storage client;
    socklen_t client_len = sizeof client;
    int fd = accept4(listen_fd, (struct sockaddr *)&client, &client_len, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        struct timespec pause = {.tv_nsec = 100 * 1000 * 1000};
        nanosleep(&pause, NULL);  // out of resources: let some connections finish
      }
      continue;  // EAGAIN (the client left before we accepted), ECONNABORTED, ...
    }
    // At the cap, or without a thread to serve it: refused, over TLS on the HTTPS listener
    // (plaintext on a TLS socket is garbage to the client).
    pthread_t thread;
    void *(*serve)(void *) = tls ? tls_connection_thread : connection_thread;
    if (atomic_fetch_add(&open_connections, 1) >= max_connections || pthread_create(&thread, &attr, serve, (void *)(intptr_t)fd) != 0) {
      atomic_fetch_sub(&open_connections, 1);
      tls ? tls_refuse(fd, refuse_busy) : refuse_busy(fd);
    }
  }
  close(listen_fd);
  return 0;
}
