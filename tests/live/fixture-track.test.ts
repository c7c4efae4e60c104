// Tracks are data (issue 11): a track of three levels that lives only in
// tests/fixtures/tracks/http-lite/ — its track.json, step files, instructions, reference —
// goes through `check` for real (compile, attach, traffic, capture), found through
// EBPF_WORKSHOP_TRACKS_DIR, with no TypeScript of its own. Each step file passes its level
// and fails the next one, naming what it adds; the start file fails level 0.
import path from 'node:path';
import { repoRoot } from '../helpers/cli.js';
import { stepsSuite } from '../helpers/stepsSuite.js';

// Set before anything loads a track: the suite reads the track here, and the CLI children
// inherit it from this process's environment.
process.env.EBPF_WORKSHOP_TRACKS_DIR = path.join(repoRoot, 'tests', 'fixtures', 'tracks');

await stepsSuite('http-lite');
