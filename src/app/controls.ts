// What the app's screen may ask of the workshop: the WorkshopSession class implements it, and
// component tests give a fake.
import type { ThrottledStore } from './store.js';
import type { WorkshopSnapshot } from './workshopSession.js';

export interface WorkshopControls {
  readonly store: ThrottledStore<WorkshopSnapshot>;
  setLevel(id: number): void;
  nextLevel(): void;
  revealHint(): number;
  solutionText(level?: number): string;
  /** The file as the level starts (the previous level's finished file, or the starting file). */
  levelStartText(level?: number): string;
  resetLevel(): string;
  /** Forgets the progress of this file on this track: back to level 0. */
  startOver(): void;
  readonly traffic: {
    sendOne(): Promise<void>;
    toggleAuto(): void;
    resize(step: 1 | -1): void;
  };
}
