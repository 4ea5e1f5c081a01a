/**
 * Shared dispatcher for `npm run bench|eval|train|… -- <what> [args]`: loads `<dir>/<what>.ts`
 * and calls its exported `main(args)`. Adding a command is adding a file.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export async function dispatch(
  commandsDirUrl: string,
  label: string,
  argv = process.argv.slice(2),
): Promise<void> {
  const dir = dirname(fileURLToPath(commandsDirUrl));
  const available = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && f !== 'cli.ts' && !f.startsWith('_'))
    .map((f) => f.slice(0, -3))
    .sort();
  const [what, ...rest] = argv;
  if (!what || !available.includes(what)) {
    console.error(`usage: npm run ${label} -- <${available.join('|')}> [options]`);
    process.exit(2);
  }
  const mod = (await import(pathToFileURL(join(dir, `${what}.ts`)).href)) as {
    main?: (args: string[]) => Promise<void>;
  };
  if (typeof mod.main !== 'function') throw new Error(`${label} ${what}: module has no main(args)`);
  await mod.main(rest);
}
