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

// demo_server.c's plain HTTP connection handler.
void *connection_thread(void *arg);
