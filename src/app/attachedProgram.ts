// A compiled program with the hooks of levels ≤ N attached and its events captured from the
// demo server alone. Both columns of the app are one of these: the learner's file and
// solution.c. Closing it detaches everything and silences its listeners, so a late batch of
// an old program never lands in a new capture.
import type { Exchange } from '../capture/connectionTracker.js';
import type { CaptureEvent } from '../capture/events.js';
import { Capture } from '../capture/capture.js';
import type { Sniffer } from '../sniffer/sniffer.js';
import { hooksUpTo, levelOf, type Track } from '../tracks/tracks.js';

export interface CaptureHandlers {
  onEvents: (events: CaptureEvent[]) => void;
  onExchange?: (exchange: Exchange) => void;
  onLost?: (count: number) => void;
}

export class AttachedProgram {
  private closed = false;

  private constructor(
    readonly sniffer: Sniffer,
    /** Null at a level that attaches nothing (level 0: the hooks are only loaded). */
    readonly capture: Capture | null,
    readonly hookCount: number,
  ) {}

  /** Attaches the level's hooks (a level that attaches nothing: checks they were loaded). Closes the sniffer if that fails. */
  static open(sniffer: Sniffer, track: Track, level: number, serverPid: number, handlers: CaptureHandlers): AttachedProgram {
    const attach = levelOf(track, level).spec.expectedEvents.attach;
    try {
      const hooks = sniffer.start(
        hooksUpTo(track, level).map((h) => h.name),
        { attach },
      );
      if (!attach) return new AttachedProgram(sniffer, null, 0);
      const capture = new Capture(sniffer, { onlyPid: serverPid });
      capture.on('events', handlers.onEvents);
      if (handlers.onExchange) capture.on('exchange', handlers.onExchange);
      if (handlers.onLost) capture.on('lost', handlers.onLost);
      return new AttachedProgram(sniffer, capture, hooks.length);
    } catch (e) {
      sniffer.close();
      throw e;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.capture?.removeAllListeners();
    this.sniffer.close();
    this.capture?.finish();
  }
}
