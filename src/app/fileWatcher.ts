// Watches the learner's file. Editors save in different ways (in place, or a new file
// renamed over the old one), so the directory is watched and events are filtered to the
// file, then debounced. Where file events never arrive (WSL mounts, some containers,
// network filesystems) a slow stat check notices a change nobody reported and switches to
// polling by itself; `poll: true` starts there.
import { EventEmitter } from 'node:events';
import { statSync } from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';

export type WatchMode = 'events' | 'polling';

/** How long the file must stay missing before that is reported. */
const GONE_MS = 600;

export interface FileWatcherOptions {
  /** Start polling straight away (--poll). */
  poll?: boolean;
  /** Quiet time after the last event before a change is reported. */
  debounceMs?: number;
  /** How often polling looks at the file. */
  pollMs?: number;
  /** How often, while relying on events, the file is looked at to see if events arrive. */
  probeMs?: number;
  /** chokidar's watch; tests pass one whose events never come. */
  watch?: typeof watch;
}

interface FileWatcherEvents {
  change: [];
  /** The mode changed (or was set at the start); `why` is a sentence for the learner. */
  mode: [WatchMode, string];
  error: [Error];
}

/** What a save changes: modification time, size or (for rename saves) the inode. */
function signature(file: string): string | null {
  try {
    const s = statSync(file);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return null; // between an editor's unlink and rename: not a change to report yet
  }
}

export class FileWatcher extends EventEmitter<FileWatcherEvents> {
  readonly file: string;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private reported: string | null;
  /** A signature the probe saw that no event has reported yet. */
  private unreported: string | null = null;
  private currentMode: WatchMode;
  private closed = false;
  private readonly debounceMs: number;
  private readonly pollMs: number;
  private readonly probeMs: number;
  private readonly watchFn: typeof watch;

  constructor(file: string, options: FileWatcherOptions = {}) {
    super();
    this.file = path.resolve(file);
    this.debounceMs = options.debounceMs ?? 150;
    this.pollMs = options.pollMs ?? 300;
    this.probeMs = options.probeMs ?? 1000;
    this.watchFn = options.watch ?? watch;
    this.reported = signature(this.file);
    this.currentMode = options.poll ? 'polling' : 'events';
  }

  get mode(): WatchMode {
    return this.currentMode;
  }

  start(): this {
    if (this.currentMode === 'polling') this.startPolling('polling for changes (--poll)');
    else this.startEvents();
    return this;
  }

  private startEvents(): void {
    const dir = path.dirname(this.file);
    this.watcher = this.watchFn(dir, {
      ignoreInitial: true,
      depth: 0,
      // Only the directory itself and our file: a home directory has many others.
      ignored: (p: string) => p !== dir && path.resolve(p) !== this.file,
    });
    this.watcher.on('all', (_event, p) => {
      if (path.resolve(p) === this.file) this.schedule();
    });
    this.watcher.on('error', (e) => this.emit('error', e instanceof Error ? e : new Error(String(e))));
    this.timer = setInterval(() => this.probe(), this.probeMs).unref();
    this.emit('mode', 'events', 'watching for saves');
  }

  private startPolling(why: string): void {
    this.currentMode = 'polling';
    this.timer = setInterval(() => {
      const now = signature(this.file);
      // A change already waiting out its debounce is not put back by the next poll.
      if (now !== this.reported && !this.debounce) this.schedule();
    }, this.pollMs).unref();
    this.emit('mode', 'polling', why);
  }

  /** Relying on events: a change seen twice in a row by the probe and never reported means they do not arrive. */
  private probe(): void {
    const now = signature(this.file);
    if (now === null || now === this.reported || this.debounce) {
      this.unreported = null;
      return;
    }
    if (this.unreported !== now) {
      this.unreported = now; // give the event one more probe period to arrive
      return;
    }
    void this.fallBack();
  }

  private async fallBack(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const watcher = this.watcher;
    this.watcher = null;
    await watcher?.close();
    if (this.closed) return;
    this.startPolling(`file events do not arrive here: polling ${path.basename(this.file)} every ${this.pollMs} ms`);
    this.schedule();
  }

  private schedule(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = null;
      const now = signature(this.file);
      if (now === null) return this.goneLater();
      if (now === this.reported) return; // touched without a change we can see (or already reported)
      this.reported = now;
      this.unreported = null;
      this.emit('change');
    }, this.debounceMs);
  }

  /**
   * The file is not there: between an editor's unlink and its rename, or deleted. Still
   * gone a moment later, that is reported as a change (the check then says it is gone).
   */
  private goneLater(): void {
    this.debounce = setTimeout(() => {
      this.debounce = null;
      if (signature(this.file) !== null || this.reported === null) return; // back (a save), or already told
      this.reported = null;
      this.emit('change');
    }, GONE_MS);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    this.timer = this.debounce = null;
    const watcher = this.watcher;
    this.watcher = null;
    await watcher?.close();
  }
}
