// The demo server's HTTPS listener (demo-server --tls): the traffic the TLS track's uprobes
// capture. What crosses the socket is TLS records; the plaintext exists only in the buffers
// given to OpenSSL's SSL_read and SSL_write, which is where the learner's hooks look.
//
// Each accepted connection gets a TLS thread (handshake, SSL_read, SSL_write) and the plain
// HTTP handler of demo_server.c, joined by a Unix socket pair: the HTTP code — its parsing,
// deadlines and caps — is the same for both listeners and knows nothing of TLS.
//
// The key and certificate are made at start, in memory, for this run only (an EC P-256 key,
// self-signed, CN "ebpf-workshop demo server"): no file holds them, so none is left behind.
// As each connection closes, the encrypted bytes it read and wrote on its socket are printed on
// stdout as "tls-bytes IN OUT": what the wire carried while the hooks saw plaintext.
// At the connection cap, the refusal (the plain side's 503) is sent over TLS too.
#define _GNU_SOURCE
#include "demo_server_tls.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define TLS_IO_SECONDS 30           // longest a handshake, record read or write may block
#define TLS_IDLE_MS (60 * 1000)     // longest a connection may sit with nothing moving either way
#define TLS_THREAD_STACK_BYTES (128 * 1024)

static SSL_CTX *server_ctx;

static void print_openssl_error(const char *what) {
  unsigned long code = ERR_get_error();
  char reason[256] = "unknown error";
  if (code) ERR_error_string_n(code, reason, sizeof reason);
  fprintf(stderr, "demo-server: %s: %s\n", what, reason);
}

// A fresh key and a certificate for it, signed by itself, valid from a minute ago for a day.
static bool make_self_signed(EVP_PKEY **key_out, X509 **cert_out) {
  EVP_PKEY *key = EVP_EC_gen("P-256");
  X509 *cert = X509_new();
  unsigned char serial[8];
  bool ok = key && cert && RAND_bytes(serial, sizeof serial) == 1;
  if (ok) {
    serial[0] &= 0x7f;  // a positive serial number
    BIGNUM *bn = BN_bin2bn(serial, sizeof serial, NULL);
    ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) && X509_set_version(cert, 2) &&
         X509_gmtime_adj(X509_getm_notBefore(cert), -60) && X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600) &&
         X509_set_pubkey(cert, key);
    BN_free(bn);
  }
  if (ok) {
    X509_NAME *name = X509_get_subject_name(cert);
    ok = X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"ebpf-workshop demo server", -1, -1, 0) &&
         X509_set_issuer_name(cert, name) && X509_sign(cert, key, EVP_sha256()) > 0;
  }
  if (!ok) {
    print_openssl_error("cannot make a self-signed certificate");
    EVP_PKEY_free(key);
    X509_free(cert);
    return false;
  }
  *key_out = key;
  *cert_out = cert;
  return true;
}

bool tls_init(void) {
  EVP_PKEY *key;
  X509 *cert;
  if (!make_self_signed(&key, &cert)) return false;
  server_ctx = SSL_CTX_new(TLS_server_method());
  bool ok = server_ctx && SSL_CTX_use_certificate(server_ctx, cert) == 1 && SSL_CTX_use_PrivateKey(server_ctx, key) == 1;
  EVP_PKEY_free(key);  // the context holds its own references
  X509_free(cert);
  if (!ok) print_openssl_error("cannot set up TLS");
  return ok;
}

bool tls_print_self_signed(FILE *out) {
  EVP_PKEY *key;
  X509 *cert;
  if (!make_self_signed(&key, &cert)) return false;
  bool ok = PEM_write_PrivateKey(out, key, NULL, NULL, 0, NULL, NULL) == 1 && PEM_write_X509(out, cert) == 1 && fflush(out) == 0;
  EVP_PKEY_free(key);
  X509_free(cert);
  return ok;
}

static bool write_all_plain(int fd, const char *data, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, data, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    len -= (size_t)n;
  }
  return true;
}

// Moves bytes both ways until either side is done: decrypted requests to the HTTP handler,
// its answers encrypted back to the client.
static void relay(SSL *ssl, int tcp, int plain) {
  char buf[16 * 1024];
  bool client_done = false;
  for (;;) {
    struct pollfd fds[2] = {{.fd = tcp, .events = client_done ? 0 : POLLIN}, {.fd = plain, .events = POLLIN}};
    // OpenSSL may already hold a record it read: poll() would not see it on the socket.
    bool buffered = !client_done && SSL_has_pending(ssl);
    int ready = poll(fds, 2, buffered ? 0 : TLS_IDLE_MS);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0 || (ready == 0 && !buffered)) return;
    if (buffered || (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
      int n = SSL_read(ssl, buf, sizeof buf);
      if (n > 0) {
        if (!write_all_plain(plain, buf, (size_t)n)) return;
      } else {
        // The client closed (close_notify, EOF) or failed: the HTTP side sees the end of input
        // and still answers what it has read.
        client_done = true;
        shutdown(plain, SHUT_WR);
      }
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = read(plain, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        SSL_shutdown(ssl);  // the HTTP side ended the connection: say so to the client
        return;
      }
      if (SSL_write(ssl, buf, (int)n) <= 0) return;
    }
  }
}

static void report_bytes(SSL *ssl) {
  char line[64];
  int n = snprintf(line, sizeof line, "tls-bytes %llu %llu\n", (unsigned long long)BIO_number_read(SSL_get_rbio(ssl)),
                   (unsigned long long)BIO_number_written(SSL_get_wbio(ssl)));
  // One write: lines from concurrent connections never interleave (a pipe keeps writes of up
  // to PIPE_BUF bytes whole).
  if (n > 0 && write(STDOUT_FILENO, line, (size_t)n) < 0) {
    // Nobody reads our stdout any more: the counts are only informative.
  }
}

// Refusals over TLS in progress, at most TLS_REFUSALS: each is a thread the connection cap
// does not count, so they have a cap of their own.
#define TLS_REFUSALS 16
#define TLS_REFUSAL_SECONDS 2  // longest a refused client's handshake, or any read or write of it, may take
static atomic_int refusals;

struct tls_ends {
  int tcp;
  int plain;
  bool refusal;  // plain holds a refusal, whole, then the end of input
};

// Sends the refusal waiting on the plain side, says close_notify, and reads what the client
// still sends (a few records at most) so the close is not a reset that could destroy the
// answer in the client's buffers.
static void send_refusal(SSL *ssl, int plain) {
  char answer[1024];
  size_t len = 0;
  ssize_t n;
  while (len < sizeof answer && (n = read(plain, answer + len, sizeof answer - len)) > 0) len += (size_t)n;
  if (len > 0 && SSL_write(ssl, answer, (int)len) > 0 && SSL_shutdown(ssl) >= 0) {
    char sink[4096];
    for (int i = 0; i < 16 && SSL_read(ssl, sink, sizeof sink) > 0; i++) {
    }
  }
}

static void *tls_thread(void *arg) {
  struct tls_ends ends = *(struct tls_ends *)arg;
  free(arg);
  struct timeval io = {.tv_sec = ends.refusal ? TLS_REFUSAL_SECONDS : TLS_IO_SECONDS};
  setsockopt(ends.tcp, SOL_SOCKET, SO_RCVTIMEO, &io, sizeof io);
  setsockopt(ends.tcp, SOL_SOCKET, SO_SNDTIMEO, &io, sizeof io);
  SSL *ssl = SSL_new(server_ctx);
  if (ssl && SSL_set_fd(ssl, ends.tcp) == 1 && SSL_accept(ssl) == 1) {
    if (ends.refusal) {
      send_refusal(ssl, ends.plain);
    } else {
      relay(ssl, ends.tcp, ends.plain);
      report_bytes(ssl);
    }
  }
  SSL_free(ssl);
  ERR_clear_error();  // the queue is per thread, and this thread ends
  close(ends.tcp);
  close(ends.plain);
  if (ends.refusal) atomic_fetch_sub(&refusals, 1);
  return NULL;
}

// Starts tls_thread on `ends` (which it frees), detached; false, with nothing freed or closed, when it cannot.
static bool start_tls_thread(struct tls_ends *ends) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, TLS_THREAD_STACK_BYTES);
  pthread_t thread;
  bool started = pthread_create(&thread, &attr, tls_thread, ends) == 0;
  pthread_attr_destroy(&attr);
  return started;
}

void tls_refuse(int tcp, void (*refuse_plain)(int fd)) {
  int pair[2];
  struct tls_ends *ends = NULL;
  if (atomic_fetch_add(&refusals, 1) >= TLS_REFUSALS || !(ends = malloc(sizeof *ends)) ||
      socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    atomic_fetch_sub(&refusals, 1);
    free(ends);
    close(tcp);  // before the handshake: the client reads a closed connection, not plaintext
    return;
  }
  refuse_plain(pair[1]);  // the answer is a few hundred bytes: the socket pair holds it whole
  *ends = (struct tls_ends){.tcp = tcp, .plain = pair[0], .refusal = true};
  if (!start_tls_thread(ends)) {
    atomic_fetch_sub(&refusals, 1);
    free(ends);
    close(tcp);
    close(pair[0]);
  }
}

void *tls_connection_thread(void *arg) {
  int tcp = (int)(intptr_t)arg;
  int pair[2];
  struct tls_ends *ends = malloc(sizeof *ends);
  if (!ends || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    free(ends);
    close(tcp);
    pair[1] = -1;  // connection_thread() ends at once on a bad fd, keeping its counts right
    return connection_thread((void *)(intptr_t)pair[1]);
  }
  *ends = (struct tls_ends){.tcp = tcp, .plain = pair[0]};
  if (!start_tls_thread(ends)) {
    free(ends);
    close(tcp);
    close(pair[0]);  // the HTTP side reads the end of input at once
  }
  // This thread becomes the connection's HTTP handler.
  return connection_thread((void *)(intptr_t)pair[1]);
}
