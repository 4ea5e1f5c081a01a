/**
 * Turns loader candidates into a manifest: converts audio to 16 kHz mono WAV (or uses it in
 * place when it already is), measures durations, and counts what was skipped and why.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { writeJsonl } from '../lib/manifest.ts';
import { runPool } from '../lib/pool.ts';
import { convertTo16kWav, isTargetWav } from './audio-convert.ts';
import type { Candidate, LoadResult, Rejected } from './types.ts';

export interface ImportOptions {
  manifestPath: string;
  /** where converted audio goes; default <manifest without .jsonl>-audio/ */
  audioDir?: string;
  jobs?: number;
  useSox?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface ImportSummary {
  written: number;
  hours: number;
  rejected: Rejected[];
  byReason: Record<string, number>;
}

function pcm16Duration(path: string): number {
  return (statSync(path).size - 44) / 2 / 16000;
}

export async function importToManifest(load: LoadResult, opts: ImportOptions): Promise<ImportSummary> {
  const manifestPath = resolve(opts.manifestPath);
  const audioDir = resolve(opts.audioDir ?? manifestPath.replace(/\.jsonl?$/, '') + '-audio');
  const base = dirname(manifestPath);
  const rejected = [...load.rejected];
  const rows = new Map<string, object>();
  let done = 0;
  await runPool(
    load.candidates,
    opts.jobs ?? 2,
    async (c: Candidate) => {
      let audio = c.source;
      if (!isTargetWav(c.source)) {
        audio = join(audioDir, `${c.id}.wav`);
        if (!existsSync(audio)) {
          mkdirSync(dirname(audio), { recursive: true });
          await convertTo16kWav(c.source, audio, { useSox: opts.useSox });
        }
      }
      const duration = pcm16Duration(audio);
      rows.set(c.id, {
        audio_filepath: relative(base, audio),
        duration: Number(duration.toFixed(4)),
        text: c.text,
        lang: c.lang,
        speaker: c.speaker,
        accent: c.accent,
        gender: c.gender,
        snr_db: null,
        source: relative(base, c.source),
        ...c.extra,
      });
    },
    (c, error) => {
      if (error)
        rejected.push({
          ref: c.id,
          reason: 'conversion-failed',
          detail: String((error as Error).message).split('\n')[0],
        });
      opts.onProgress?.(++done, load.candidates.length);
    },
  );
  // manifest order follows the loader's (sorted) order, not completion order
  const ordered = load.candidates.filter((c) => rows.has(c.id)).map((c) => rows.get(c.id)!);
  writeJsonl(manifestPath, ordered);
  const byReason: Record<string, number> = {};
  for (const r of rejected) byReason[r.reason] = (byReason[r.reason] ?? 0) + 1;
  const hours = ordered.reduce((a, r) => a + (r as { duration: number }).duration, 0) / 3600;
  return { written: ordered.length, hours, rejected, byReason };
}
