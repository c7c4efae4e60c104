// The TLS track's broken corpus (tests/fixtures/tls-broken-corpus/manifest.json): each of its
// step files with one typical mistake — SSL_read's buffer sent from the entry hook, an _ex
// return value taken as the count, the wrong PT_REGS_PARM, an argument read at return, a
// missing NULL check, a hook name one letter off, a local hiding the map pid — gets its exact
// diagnosis from `check --track tls --json`, at the learner's line, with its code.
import t from 'tap';
import { corpusSuite, loadCorpus } from '../helpers/corpusSuite.js';
import { liveKernel } from '../helpers/kernel.js';

await liveKernel();
// A dozen checks in a row, several seconds each, most attaching to a TLS server.
t.setTimeout(900_000);

corpusSuite(loadCorpus('tls-broken-corpus', 10), 'tls');
