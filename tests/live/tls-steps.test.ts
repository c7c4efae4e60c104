// The TLS track, step by step: each level's step file passes `check --track tls --level N`
// (from level 1 on, live: plaintext from the HTTPS demo server's SSL_write and SSL_read, then
// from Python's server's SSL_write_ex and SSL_read_ex) and fails level N+1, naming exactly the
// hooks and maps it adds; the last level's step is the reference, with the pid filter.
import { stepsSuite } from '../helpers/stepsSuite.js';

await stepsSuite('tls');
