import t from 'tap';
import { didYouMean, editDistance, suggestionBudget } from '../../src/diagnose/index.js';
import { BPF_HELPER_NAMES } from '../../src/diagnose/bpfHelpers.js';
import { contractNames as trackNames, loadTrack } from '../../src/tracks/tracks.js';

const contractNames = () => trackNames(loadTrack('http'));
const hookNames = loadTrack('http').levels.flatMap((level) => level.spec.hooks.map((hook) => hook.name));

t.test('edit distance counts inserts, deletes, substitutions and neighbour swaps as one each', async (t) => {
  t.equal(editDistance('map', 'map'), 0);
  t.equal(editDistance('', 'abc'), 3);
  t.equal(editDistance('abc', ''), 3);
  t.equal(editDistance('active_accept_arg_map', 'active_accept_args_map'), 1, 'a missing letter');
  t.equal(editDistance('acept4', 'accept4'), 1);
  t.equal(editDistance('tigd', 'tgid'), 1, 'two letters swapped are one slip');
  t.equal(editDistance('kitten', 'sitting'), 3);
});

t.test('the budget grows with the word, between 1 and 3 edits', async (t) => {
  t.equal(suggestionBudget('fd'), 1);
  t.equal(suggestionBudget('timestamp'), 3);
  t.equal(suggestionBudget('syscall__probe_entry_accept4'), 3);
});

t.test("a misspelt map is matched to the tutorial's map", async (t) => {
  t.equal(didYouMean('active_accept_arg_map', contractNames()), 'active_accept_args_map');
  t.equal(didYouMean('Active_Accept_Args_Map', contractNames()), 'active_accept_args_map', 'case is ignored');
  t.equal(didYouMean('socket_open_event', contractNames()), 'socket_open_events');
});

t.test('misspelt hook names find the hook the learner meant', async (t) => {
  t.equal(didYouMean('syscall__probe_entry_acept4', hookNames), 'syscall__probe_entry_accept4');
  t.equal(didYouMean('syscall__probe_ret_raed', hookNames), 'syscall__probe_ret_read');
  t.equal(didYouMean('syscall__probe_return_close', hookNames), 'syscall__probe_ret_close');
  t.equal(didYouMean('syscall__probe_entry_accept4', hookNames), undefined, 'a correct name needs no correction');
});

t.test('helpers with swapped letters', async (t) => {
  t.equal(didYouMean('bpf_get_current_pid_tigd', BPF_HELPER_NAMES), 'bpf_get_current_pid_tgid');
  t.equal(didYouMean('bpf_ktime_get_ms', BPF_HELPER_NAMES), 'bpf_ktime_get_ns');
});

t.test('no suggestion when nothing is close, or when a different name is meant', async (t) => {
  t.equal(didYouMean('frobnicate', contractNames()), undefined);
  t.equal(
    didYouMean('active_write_args_map', ['active_read_args_map']),
    undefined,
    "the write map is a map of its own, not a misspelling of the read map's",
  );
  t.equal(didYouMean('ret', ['buf']), undefined);
});

t.test('ties go to the candidate listed first; maxDistance overrides the budget', async (t) => {
  t.equal(didYouMean('fb', ['fa', 'fc']), 'fa');
  t.equal(didYouMean('fb', ['fc', 'fa']), 'fc');
  t.equal(didYouMean('timestamp', ['timestamp_ns'], { maxDistance: 2 }), undefined);
  t.equal(didYouMean('timestamp', ['timestamp_ns']), 'timestamp_ns');
});
