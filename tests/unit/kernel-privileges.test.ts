import t from 'tap';
import { assessPrivileges, CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN, effectiveCapabilities, hasCapability } from '../../src/kernel/privileges.js';

const kernel = (major: number, minor: number) => ({ major, minor, patch: 0 });
const bit = (cap: number) => 1n << BigInt(cap);

t.test('CapEff is read from /proc/<pid>/status text as a hex mask', async (t) => {
  const status = 'Name:\tnode\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t000001fffeffffff\nCapBnd:\t000001ffffffffff\n';
  const mask = effectiveCapabilities(status);
  t.equal(mask, 0x1fffeffffffn);
  t.ok(hasCapability(mask!, CAP_BPF));
  t.ok(hasCapability(mask!, CAP_PERFMON));
  t.ok(hasCapability(mask!, CAP_SYS_ADMIN));
  // Bit 24 (CAP_SYS_RESOURCE) is the one cleared in that mask.
  t.notOk(hasCapability(mask!, 24));
  t.equal(effectiveCapabilities('Name:\tnode\n'), null);
});

t.test('an ordinary user has no capabilities', async (t) => {
  const mask = effectiveCapabilities('CapEff:\t0000000000000000\n')!;
  const verdict = assessPrivileges(mask, kernel(6, 1), 1000);
  t.notOk(verdict.ok);
  t.same(verdict.missing, ['CAP_BPF', 'CAP_PERFMON']);
  t.match(verdict.detail, /uid 1000 without CAP_BPF and CAP_PERFMON/);
});

t.test('CAP_SYS_ADMIN is enough on any kernel', async (t) => {
  t.ok(assessPrivileges(bit(CAP_SYS_ADMIN), kernel(4, 15), 0).ok);
  t.ok(assessPrivileges(bit(CAP_SYS_ADMIN), kernel(6, 8), 1000).ok);
});

t.test('CAP_BPF + CAP_PERFMON are enough from 5.8, not before', async (t) => {
  const mask = bit(CAP_BPF) | bit(CAP_PERFMON);
  t.ok(assessPrivileges(mask, kernel(5, 8), 1000).ok);
  const old = assessPrivileges(mask, kernel(5, 4), 1000);
  t.notOk(old.ok);
  t.same(old.missing, ['CAP_SYS_ADMIN']);
});

t.test('one of the two is not enough', async (t) => {
  const verdict = assessPrivileges(bit(CAP_BPF), kernel(6, 1), 0);
  t.notOk(verdict.ok);
  t.same(verdict.missing, ['CAP_PERFMON']);
  t.match(verdict.detail, /^root without CAP_PERFMON/);
});
