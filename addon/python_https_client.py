# A second client of the TLS track's target, in a process of its own: one tutorial POST over
# HTTPS through the distribution's OpenSSL (CPython's ssl module), so its SSL_write and
# SSL_read calls run through the very library the learner's uprobes are attached to. At the
# pid filter level the learner's program must leave them out. Certificates are not checked
# (curl -k): the server's was made in memory for this run. Prints the status code.
import argparse
import http.client
import ssl

parser = argparse.ArgumentParser()
parser.add_argument("--host", required=True)
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--size", type=int, default=50)
args = parser.parse_args()

context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
connection = http.client.HTTPSConnection(args.host, args.port, context=context, timeout=10)
body = '{"size": %d}' % args.size
connection.request("POST", "/customResponse", body=body, headers={
    "Content-Type": "application/x-www-form-urlencoded",
    "Accept": "*/*",
    "User-Agent": "ebpf-workshop (second client)",
})
response = connection.getresponse()
response.read()
connection.close()
print(response.status)
