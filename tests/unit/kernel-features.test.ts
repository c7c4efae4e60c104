import t from 'tap';
import { chooseSyscallFunction, resolveAttachMode, syscallPrefix } from '../../src/kernel/features.js';

t.test('syscall function prefix per architecture, as BCC picks it', async (t) => {
  t.equal(syscallPrefix('x64'), '__x64_sys_');
  t.equal(syscallPrefix('x86_64'), '__x64_sys_');
  t.equal(syscallPrefix('arm64'), '__arm64_sys_');
  t.equal(syscallPrefix('aarch64'), '__arm64_sys_');
  t.equal(syscallPrefix('s390x'), '__s390x_sys_');
  t.equal(syscallPrefix('riscv64'), '__riscv_sys_');
  t.equal(syscallPrefix('ppc64'), 'sys_');
  t.equal(syscallPrefix('ia32'), 'sys_');
});

t.test('the prefixed symbol first, then sys_<name>, else null', async (t) => {
  const has = (symbols: string[]) => (s: string) => symbols.includes(s);
  t.equal(chooseSyscallFunction('write', 'x64', has(['__x64_sys_write', 'sys_write'])), '__x64_sys_write');
  t.equal(chooseSyscallFunction('write', 'x64', has(['sys_write'])), 'sys_write', 'kernels before 4.17 have no wrappers');
  t.equal(chooseSyscallFunction('write', 'arm64', has(['__x64_sys_write'])), null);
  t.equal(chooseSyscallFunction('accept4', 'arm64', has(['__arm64_sys_accept4'])), '__arm64_sys_accept4');
});

t.test('attach mode resolution table', async (t) => {
  const both = { kprobes: true, syscallTracepoints: true };
  const kprobesOnly = { kprobes: true, syscallTracepoints: false };
  const tracepointsOnly = { kprobes: false, syscallTracepoints: true };
  const neither = { kprobes: false, syscallTracepoints: false };

  t.equal(resolveAttachMode('auto', both), 'kprobe');
  t.equal(resolveAttachMode('auto', kprobesOnly), 'kprobe');
  t.equal(resolveAttachMode('auto', tracepointsOnly), 'tracepoint');
  t.equal(resolveAttachMode('kprobe', both), 'kprobe');
  t.equal(resolveAttachMode('kprobe', kprobesOnly), 'kprobe');
  t.equal(resolveAttachMode('tracepoint', both), 'tracepoint');
  t.equal(resolveAttachMode('tracepoint', tracepointsOnly), 'tracepoint');

  t.throws(() => resolveAttachMode('kprobe', tracepointsOnly), { code: 'ENV_ATTACH_MODE', message: /no kprobes/, hint: /--attach tracepoint/ });
  t.throws(() => resolveAttachMode('tracepoint', kprobesOnly), { code: 'ENV_ATTACH_MODE', message: /no syscall tracepoints/, hint: /--attach kprobe/ });
  t.throws(() => resolveAttachMode('auto', neither), { message: /neither kprobes nor syscall tracepoints/ });
  t.throws(() => resolveAttachMode('kprobe', neither), { name: 'WorkshopError', code: 'ENV_ATTACH_MODE' });
  t.throws(() => resolveAttachMode('tracepoint', neither), { name: 'WorkshopError', code: 'ENV_ATTACH_MODE' });
});
