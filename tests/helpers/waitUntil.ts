// Live tests wait for what the kernel sends: a condition polled every 20 ms, up to a limit.

/** Polls `done` every 20 ms until it holds or `withinMs` have passed; says whether it holds. */
export async function waitUntil(done: () => boolean, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return done();
}
