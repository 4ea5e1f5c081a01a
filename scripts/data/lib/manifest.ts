/**
 * NeMo-style JSON Lines manifests. `audio_filepath` is relative to the manifest's directory
 * (NeMo resolves it the same way) unless absolute; `readManifest` returns absolute paths.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

export const ManifestEntrySchema = z
  .object({
    audio_filepath: z.string().min(1),
    duration: z.number().nonnegative(),
    text: z.string(),
    lang: z.string().optional(),
    speaker: z.string().optional(),
    accent: z.string().optional(),
    snr_db: z.number().nullable().optional(),
    domain: z.string().optional(),
    generator: z.string().optional(),
  })
  .passthrough();

export type ManifestEntry = z.infer<typeof ManifestEntrySchema>;

export function toJsonl(rows: object[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
}

/** Atomic write, so an interrupted build never leaves half a manifest. */
export function writeJsonl(path: string, rows: object[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, toJsonl(rows));
  renameSync(tmp, path);
}

export function readJsonl<T = unknown>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

/** Reads and validates a manifest; audio paths come back absolute. */
export function readManifest(path: string): ManifestEntry[] {
  const base = dirname(resolve(path));
  return readJsonl(path).map((row, i) => {
    const parsed = ManifestEntrySchema.safeParse(row);
    if (!parsed.success) throw new Error(`${path}:${i + 1}: ${parsed.error.message}`);
    const e = parsed.data;
    return {
      ...e,
      audio_filepath: isAbsolute(e.audio_filepath) ? e.audio_filepath : resolve(base, e.audio_filepath),
    };
  });
}
