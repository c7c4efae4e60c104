// Must show 1: the tutorial, step by step. The file as it stands after level N's steps
// (levels/http/steps/level-N.c) passes `check --level N` — statically and, from level 1 on, live
// with events from the demo server — and fails `check --level N+1`, naming exactly the hooks
// and maps level N+1 adds. The project's clean.c fails level 0, naming the first hook.
import { stepsSuite } from '../helpers/stepsSuite.js';

await stepsSuite('http');
