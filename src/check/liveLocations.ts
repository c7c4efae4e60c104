// Where in the learner's file a failed live check points: the place the fix goes. Live
// checks see only events, so this reads the source: the return hook of the syscall whose
// events are missing, the process_data call of a swapped direction, the address copy.
import { LineIndex } from '../c/lineIndex.js';
import { findHookDefinitions } from '../hooks/hookNames.js';
import type { CheckLocation, CheckResult } from '../report/checkReport.js';

/** Which hook a live check is about, and what to look for inside it first. */
const TARGETS: Record<string, { hook: string; prefer: RegExp }> = {
  'live:events': { hook: 'syscall__probe_ret_accept4', prefer: /\.lookup\(/ },
  'live:open': { hook: 'syscall__probe_ret_accept4', prefer: /process_syscall_accept\s*\(/ },
  'live:ingress': { hook: 'syscall__probe_ret_read', prefer: /process_data\s*\(/ },
  'live:egress': { hook: 'syscall__probe_ret_write', prefer: /process_data\s*\(/ },
  'live:close': { hook: 'syscall__probe_ret_close', prefer: /process_syscall_close\s*\(/ },
  'live:exchange': { hook: 'syscall__probe_ret_close', prefer: /create_conn_id\s*\(/ },
};

export function locateLiveFailures(checks: CheckResult[], file: string, source: string): CheckResult[] {
  const hooks = findHookDefinitions(source);
  const lines = new LineIndex(source);
  const locate = (id: string, message: string): CheckLocation | null => {
    // An open event without the client's address: the copy of the address is the line to fix.
    if (id === 'live:open' && /address/.test(message)) {
      const copy = /bpf_probe_read\w*\s*\([^;]*addr/.exec(source);
      if (copy) return { file, line: lines.lineOf(copy.index), column: null };
    }
    const target = TARGETS[id];
    const hook = target && hooks.find((h) => h.name === target.hook);
    if (!target || !hook) return null;
    const body = source.slice(hook.bodyOpen, hook.end);
    // Nothing came at all: the lookup of what the entry hook saved is the first suspect.
    // Something came, but wrong: the call that builds the event.
    const nothing = /never sent|no .* arrived/.test(message) && !/swapped/.test(message);
    const inside = (nothing ? /\.lookup\(/.exec(body) : null) ?? target.prefer.exec(body);
    return { file, line: inside ? lines.lineOf(hook.bodyOpen + inside.index) : hook.nameLine, column: null };
  };
  return checks.map((check) => (check.status === 'fail' && !check.location ? { ...check, location: locate(check.id, check.message) } : check));
}
