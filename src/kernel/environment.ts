// Everything the kernel side needs before a BCC program can be compiled and attached:
// privileges, tracefs, headers, and which attach mode this kernel allows. `prepareKernel()`
// fixes what it safely can and throws a WorkshopError (an ENV_ code) for the rest;
// `checkEnvironment()` reports every item without throwing, for `doctor`. The checks
// themselves are survey.ts's, the headers' headerCheck.ts's.
import { useKernelSource, warmUpCompiler } from '../engine/compilerProcess.js';
import { environmentError } from './checks.js';
import type { AttachMode, AttachRequest, KernelFeatures } from './features.js';
import type { HeadersInfo } from './headerCheck.js';
import { survey, type EnvironmentReport } from './survey.js';

export { environmentError, isEnvironmentError, type Check, type CheckId, type CheckStatus } from './checks.js';
export type { AttachMode, AttachRequest, KernelFeatures } from './features.js';
export { HEADER_CACHE_DIR } from './headers.js';
export type { HeadersInfo } from './headerCheck.js';
export { libbccVersion, type EnvironmentReport } from './survey.js';

export interface KernelEnvironment {
  attachMode: AttachMode;
  kernelRelease: string;
  headers: HeadersInfo;
  tracefsPath: string;
  features: KernelFeatures;
  /** Things that work but the learner should know (mismatched headers, what was mounted). */
  warnings: string[];
}

export interface PrepareOptions {
  /** Which way to hook syscalls; default 'auto'. */
  attach?: AttachRequest;
  /** Apply the safe fixes (mount tracefs, build the header farm); default true. */
  fix?: boolean;
}

const prepared = new Map<string, Promise<KernelEnvironment>>();

/**
 * Makes the kernel ready for BCC and says how programs will attach: checks privileges,
 * mounts tracefs when missing, resolves headers (and has every compile use them), detects kprobe
 * and tracepoint support. Throws a WorkshopError (an ENV_ code) when the workshop cannot run. The result
 * is cached per process (a failure is not, so a retry after fixing things works).
 */
export function prepareKernel(options: PrepareOptions = {}): Promise<KernelEnvironment> {
  const attach = options.attach ?? 'auto';
  const fix = options.fix !== false;
  const key = `${attach}:${fix}`;
  let pending = prepared.get(key);
  if (!pending) {
    // A compile usually follows: let a compiler process start while we look at the kernel.
    warmUpCompiler();
    pending = survey({ attach, fix, fixableAsWarning: false }).then((r) => {
      const failed = r.checks.find((c) => c.status === 'fail');
      if (failed) throw environmentError(failed);
      useKernelSource(r.headers!.kernelSource);
      return {
        attachMode: r.attachMode!,
        kernelRelease: r.kernelRelease,
        headers: r.headers!,
        tracefsPath: r.tracefsPath!,
        features: r.features!,
        warnings: r.warnings,
      };
    });
    prepared.set(key, pending);
    pending.catch(() => prepared.delete(key));
  }
  return pending;
}

/**
 * Every check as pass/warn/fail, never throwing. Without `fix`, what prepareKernel would
 * repair by itself (tracefs not mounted, header farm not built) is a warning, not a failure.
 */
export async function checkEnvironment(options: PrepareOptions = {}): Promise<EnvironmentReport> {
  return survey({ attach: options.attach ?? 'auto', fix: options.fix === true, fixableAsWarning: true });
}
