/** Measured figures into a model's model.json (atomically), under evaluation.<key>. */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function recordFigures(modelDir: string, key: string, entry: Record<string, unknown>): void {
  const path = join(modelDir, 'model.json');
  const card = JSON.parse(readFileSync(path, 'utf8')) as { evaluation?: Record<string, unknown> };
  card.evaluation = { ...(card.evaluation ?? {}), [key]: entry };
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(card, null, 2)}\n`);
  renameSync(tmp, path);
}
