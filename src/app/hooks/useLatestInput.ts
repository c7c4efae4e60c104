// useInput whose handler always sees the latest render's state. Ink re-subscribes a new
// handler in an effect, which can run after the next key has arrived (type `s` then `y`
// quickly and the `y` would meet the state from before `s`); here the subscription is made
// once and calls whatever handler the latest render gave.
import { useCallback, useRef } from 'react';
import { useInput, type Key } from 'ink';

export function useLatestInput(handler: (input: string, key: Key) => void, options: { isActive?: boolean } = {}): void {
  const latest = useRef(handler);
  latest.current = handler;
  const stable = useCallback((input: string, key: Key) => latest.current(input, key), []);
  useInput(stable, options);
}
