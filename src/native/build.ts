// The native parts (the addon, the demo server, bcc-build) are built on the
// learner's machine against its own libbcc. npm runs our install script for a git checkout,
// but may skip a dependency's install scripts (npm 11 asks for approval), so the CLI builds
// them itself on first use when they are missing.
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { nativeBinDir, packageRoot } from './addon.js';
import { invokingUser } from '../util/invokingUser.js';
import { WorkshopError } from '../errors/workshopError.js';

const run = promisify(execFile);

export const nativeArtifacts = [
  path.join(packageRoot, 'build', 'Release', 'bcc_addon.node'),
  path.join(nativeBinDir, 'demo-server'),
  path.join(nativeBinDir, 'bcc-build'),
];

/** The native parts could not be built (NATIVE_BUILD_FAILED); the build's output rides along for --verbose. */
function nativeBuildError(output: string): WorkshopError {
  return new WorkshopError(
    'NATIVE_BUILD_FAILED',
    'building the native parts failed: BCC\'s development files, cmake and a C++ compiler are needed ' +
      '(Debian/Ubuntu: libbpfcc-dev cmake g++ pkg-config; or run ./scripts/setup.sh from the project)',
    { hint: './scripts/setup.sh', raw: output },
  );
}

export function nativeBuilt(): boolean {
  // stat, not existsSync: access(2) ignores capabilities, so a process given only
  // CAP_DAC_READ_SEARCH would see nothing in a root-only checkout.
  return nativeArtifacts.every((file) => statSync(file, { throwIfNoEntry: false })?.isFile());
}

/** Builds the native parts unless they are all there. Takes a minute the first time. */
export async function ensureNativeBuild(onProgress: (step: string) => void = () => {}): Promise<void> {
  if (nativeBuilt()) return;
  onProgress('building the native parts against this machine\'s libbcc (first run only, about a minute)');
  const cmakeJs = createRequire(import.meta.url).resolve('cmake-js/bin/cmake-js');
  // In the learner's own checkout under sudo, build as the learner: no root-owned build/.
  const user = invokingUser();
  const asLearner = user && statSync(packageRoot).uid === user.uid ? { uid: user.uid, gid: user.gid, env: { ...process.env, HOME: user.home ?? process.env.HOME } } : {};
  try {
    await run(process.execPath, [cmakeJs, 'compile', '--log-level', 'warn'], { cwd: packageRoot, maxBuffer: 64 * 1024 * 1024, ...asLearner });
  } catch (e) {
    const failure = e as { stdout?: string; stderr?: string; message: string };
    throw nativeBuildError(`${failure.stdout ?? ''}${failure.stderr ?? ''}` || failure.message);
  }
  if (!nativeBuilt()) throw nativeBuildError('the build finished without producing every program');
}
