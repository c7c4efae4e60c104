# The TLS track's second target: a server nobody here wrote — Python's own http.server, wrapped
# in ssl, both from the standard library. The distribution's CPython 3.11 reads and writes
# through OpenSSL's SSL_read_ex/SSL_write_ex (not SSL_read/SSL_write), the level the `_ex`
# hooks are for. It answers what the native demo server answers:
#
#   POST /customResponse  {"size": N}  ->  200 {"answer": "<N random alphanumerics>"}
#
# The workshop runs it as the invoking user, never root, on loopback:
#   python3 -I -B -c "$(cat python_https_server.py)" --host 127.0.0.1 --port 8443
# stdin  a PEM private key and certificate (the workshop makes them in memory), then kept open:
#        when it ends, the workshop has gone and so do we. The key never touches the disk: it
#        is handed to OpenSSL through an in-memory file (memfd), closed once loaded.
# stdout "listening HOST:PORT" once serving, then "tls-bytes IN OUT" as each connection
#        closes: the encrypted bytes that crossed its socket (from the kernel's TCP_INFO).
import argparse
import errno
import json
import os
import random
import socket
import ssl
import string
import struct
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_ANSWER_SIZE = 10 * 1024 * 1024
MAX_BODY_BYTES = 1024 * 1024
PORT_TRIES = 20
IO_SECONDS = 30
ALPHANUMERIC = string.ascii_letters + string.digits
EXAMPLE = 'send a JSON object like {"size": 50}'


def requested_size(body):
    """The answer's size, or the message of a 400."""
    try:
        request = json.loads(body)
    except ValueError as error:
        return None, f"the request body is not valid JSON ({error}): {EXAMPLE}"
    if not isinstance(request, dict):
        return None, f"the request body must be a JSON object: {EXAMPLE}"
    size = request.get("size")
    if isinstance(size, bool) or not isinstance(size, int):
        return None, '"size" must be a whole number of characters, like {"size": 50}'
    if size < 0:
        return None, '"size" must not be negative'
    if size > MAX_ANSWER_SIZE:
        return None, '"size" must be at most 10485760 (10 MiB)'
    return size, None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = IO_SECONDS

    def do_POST(self):
        if self.path != "/customResponse":
            return self.reply(404, {"error": f"no such path {self.path[:200]}: this server answers POST /customResponse"})
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            return self.reply(413, {"error": "the request body is larger than 1 MiB"})
        size, problem = requested_size(self.rfile.read(length))
        if problem:
            return self.reply(400, {"error": problem})
        self.reply(200, {"answer": "".join(random.choices(ALPHANUMERIC, k=size))})

    def do_GET(self):
        self.reply(405, {"error": f"method {self.command} is not allowed: use POST /customResponse"})

    def reply(self, status, document):
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass  # stdout carries our protocol; the workshop shows the traffic itself


def encrypted_bytes(sock):
    """Bytes received and sent on a TCP socket, as the kernel counted them (struct tcp_info)."""
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 256)
    received = struct.unpack_from("=Q", info, 128)[0] if len(info) >= 136 else 0  # tcpi_bytes_received
    sent = struct.unpack_from("=Q", info, 200)[0] if len(info) >= 208 else 0  # tcpi_bytes_sent (4.19+)
    return received, sent


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, context):
        self.context = context
        super().__init__(address, Handler)

    def finish_request(self, request, client_address):
        # The handshake happens here, on the connection's own thread, not in the accept loop.
        request.settimeout(IO_SECONDS)
        with self.context.wrap_socket(request, server_side=True) as tls:
            try:
                self.RequestHandlerClass(tls, client_address, self)
            finally:
                received, sent = encrypted_bytes(tls)
                print(f"tls-bytes {received} {sent}", flush=True)

    def handle_error(self, request, client_address):
        pass  # a client that fails the handshake (or leaves) is its own problem


def context_from_pem(pem):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    memory = os.memfd_create("workshop-tls-key", os.MFD_CLOEXEC)
    try:
        os.write(memory, pem)
        context.load_cert_chain(f"/proc/self/fd/{memory}")
    finally:
        os.close(memory)
    return context


def read_pem():
    pem = b""
    for line in sys.stdin.buffer:
        pem += line
        if line.startswith(b"-----END CERTIFICATE-----"):
            return pem
    sys.exit("python-https-server: stdin ended before a PEM certificate")


def exit_with_parent():
    sys.stdin.buffer.read()  # returns when the workshop's end of the pipe closes
    os._exit(0)


def main():
    parser = argparse.ArgumentParser(prog="python-https-server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8443)
    args = parser.parse_args()
    context = context_from_pem(read_pem())
    threading.Thread(target=exit_with_parent, daemon=True).start()
    # Like the demo server: the port asked for, else the next free one of PORT_TRIES; 0 picks any.
    tries = 1 if args.port == 0 else PORT_TRIES
    for i in range(tries):
        try:
            server = Server((args.host, args.port + i), context)
            break
        except OSError as error:
            if error.errno != errno.EADDRINUSE or i == tries - 1:
                sys.exit(f"python-https-server: cannot listen on {args.host} port {args.port + i}: {error.strerror}")
    host, port = server.server_address[:2]
    print(f"listening {host}:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
