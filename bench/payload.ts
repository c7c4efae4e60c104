// The generator's payload (addon/bench_generator.c): "HTTP/1.1 200 OK\r\nX-Mono-Ns: " and
// then CLOCK_MONOTONIC in 20 zero-padded digits, at the same offset in every write.
export const STAMP_OFFSET = 28;
export const STAMP_DIGITS = 20;

/** The CLOCK_MONOTONIC ns the generator stamped just before its write(). */
export function readStamp(payload: Buffer): number {
  let value = 0;
  for (let i = STAMP_OFFSET; i < STAMP_OFFSET + STAMP_DIGITS; i++) value = value * 10 + (payload[i]! - 48);
  return value;
}
