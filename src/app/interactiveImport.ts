// Ink decides once, when it is imported, whether it runs in CI (is-in-ci reads CI and
// CONTINUOUS_INTEGRATION), and there it draws only the app's last frame: a learner who
// exported CI=true in their shell would stare at a blank screen. A terminal is interactive
// whatever the environment says, so Ink is imported with those variables out of sight.
// React picks its build when it is first loaded, by NODE_ENV: unset, it is the development
// build (extra checks on every render, slower by a wide margin). The app is never developed
// in a learner's terminal, so it is the production build, whatever the shell exported.

/** Runs `load` (the dynamic imports that bring in Ink) as a terminal would see it. */
export async function importForTerminal<T>(load: () => Promise<T>, stdout: NodeJS.WriteStream = process.stdout): Promise<T> {
  process.env.NODE_ENV = 'production';
  if (!stdout.isTTY) return load();
  const names = ['CI', 'CONTINUOUS_INTEGRATION'] as const;
  const saved = names.map((name) => [name, process.env[name]] as const);
  for (const name of names) delete process.env[name];
  try {
    return await load();
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
}
