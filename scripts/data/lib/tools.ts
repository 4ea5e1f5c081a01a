/** Checks for the Debian tools the data pipeline runs, and says how to install missing ones. */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export const INSTALL_HINT = 'sudo sh scripts/install-debian-deps.sh   # or: sudo apt-get install -y';

const PACKAGE_OF: Record<string, string> = {
  'espeak-ng': 'espeak-ng',
  flite: 'flite',
  sox: 'sox libsox-fmt-all',
  soxi: 'sox',
  text2wave: 'festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts',
  festival: 'festival',
};

export function hasTool(name: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {}
  }
  return false;
}

export function missingTools(names: string[]): string[] {
  return names.filter((n) => !hasTool(n));
}

/** Throws with the apt-get line when a tool is missing. */
export function requireTools(names: string[], purpose: string): void {
  const missing = missingTools(names);
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((m) => PACKAGE_OF[m] ?? m))].join(' ');
  throw new Error(
    `${purpose} needs ${missing.join(', ')} (not found on PATH).\n` +
      `Install with: sudo sh scripts/install-debian-deps.sh\n  (or only these: sudo apt-get install -y ${pkgs})`,
  );
}
