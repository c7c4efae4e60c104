// Nothing of ours may stay attached in the kernel after we exit, however we exit. Resources
// register a synchronous release here; the first SIGINT/SIGTERM/SIGHUP runs the async
// shutdown hooks (stop the server, print a summary), then every release, then exits with the
// signal's conventional status. A plain exit (or a crash) still runs the releases.

type Release = () => void;
type ShutdownHook = (signal: NodeJS.Signals | 'exit') => Promise<void> | void;

const releases = new Set<Release>();
const hooks = new Set<ShutdownHook>();
let installed = false;
let shuttingDown = false;

const SIGNAL_STATUS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

function releaseAll(): void {
  for (const release of [...releases].reverse()) {
    try {
      release();
    } catch {
      // Keep releasing the rest: one failure must not leave others attached.
    }
  }
  releases.clear();
}

async function onSignal(signal: NodeJS.Signals): Promise<void> {
  if (shuttingDown) {
    // A second Ctrl-C: stop waiting for hooks.
    releaseAll();
    process.exit(SIGNAL_STATUS[signal] ?? 1);
  }
  shuttingDown = true;
  const deadline = new Promise((resolve) => setTimeout(resolve, 3000).unref());
  await Promise.race([Promise.allSettled([...hooks].map((hook) => hook(signal))), deadline]);
  releaseAll();
  // Writes to a pipe are asynchronous: exiting with some still queued would cut a line in
  // half. Wait for them however long the reader takes; a second signal exits at once.
  await flushed(process.stdout);
  process.exit(SIGNAL_STATUS[signal] ?? 1);
}

function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => (stream.writable ? stream.write('', () => resolve()) : resolve()));
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', releaseAll);
  for (const signal of Object.keys(SIGNAL_STATUS) as NodeJS.Signals[]) {
    process.on(signal, () => void onSignal(signal));
  }
}

/** Registers a synchronous release; returns the function that unregisters it. */
export function onRelease(release: Release): () => void {
  install();
  releases.add(release);
  return () => releases.delete(release);
}

/** Registers an async step to run when a signal asks us to stop (before the releases). */
export function onShutdown(hook: ShutdownHook): () => void {
  install();
  hooks.add(hook);
  return () => hooks.delete(hook);
}
