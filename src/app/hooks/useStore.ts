// Subscribes a component to a ThrottledStore's snapshots.
import { useSyncExternalStore } from 'react';
import type { ThrottledStore } from '../store.js';

export function useStore<T>(store: ThrottledStore<T>): T {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
