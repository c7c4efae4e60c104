// useInput whose handler always sees the latest render's state. Ink re-subscribes a new
// handler in an effect, which can run after the next key has arrived (type `s` then `y`
// quickly and the `y` would meet the state from before `s`); here the subscription is made
// once and calls whatever handler the latest render gave. Keys that arrive in one read
// ("xy", typed fast or sent by a script) come to the handler one at a time.
import { useCallback, useRef } from 'react';
import { useInput, type Key } from 'ink';

export function useLatestInput(handler: (input: string, key: Key) => void, options: { isActive?: boolean } = {}): void {
  const latest = useRef(handler);
  latest.current = handler;
  const stable = useCallback((input: string, key: Key) => {
    const plain = input.length > 1 && !key.ctrl && !key.meta && /^[\x20-\x7e]+$/.test(input);
    if (!plain) return latest.current(input, key);
    for (const char of input) latest.current(char, key);
  }, []);
  useInput(stable, options);
}
