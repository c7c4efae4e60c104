// The demo server's HTTPS side (demo_server_tls.c), over OpenSSL from the distribution.
#pragma once
#include <stdbool.h>
#include <stdio.h>

// Makes a fresh key and self-signed certificate in memory for this run; false (and a message
// on stderr) when OpenSSL cannot.
bool tls_init(void);

// Writes a fresh key and self-signed certificate, PEM, to `out` (for a TLS server of another
// program, such as Python's, to read from its stdin): nothing touches the disk.
bool tls_print_self_signed(FILE *out);

// A connection thread for the HTTPS listener: the TLS handshake and SSL_read/SSL_write happen
// here, the HTTP exchange in the plain connection_thread() of demo_server.c, over a socket
// pair. Takes the accepted fd as its argument, like connection_thread().
void *tls_connection_thread(void *arg);

// Refuses a connection of the HTTPS listener at its cap: `refuse_plain` writes the plain
// refusal (the 503) to a socket pair and closes it; the handshake and the answer over TLS
// happen on a thread of their own, so the accept loop does not wait for the client.
void tls_refuse(int tcp, void (*refuse_plain)(int fd));

// demo_server.c's plain HTTP connection handler.
void *connection_thread(void *arg);
