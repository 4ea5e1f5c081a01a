/**
 * Reads customer manifests without trusting them: every line is checked (valid JSON, a NeMo
 * entry, non-empty text, audio file present and readable, the expected sample rate, not too
 * long or too short) and a bad line is skipped with its reason instead of ending the run.
 * Parsing and audio checks are separate so a large manifest (the base data for --mix-base)
 * can be parsed whole and only a sample of it loaded.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { readWavSync } from '../../../server/audio/wav-io.ts';
import { type ManifestEntry, ManifestEntrySchema } from '../../data/lib/manifest.ts';

export interface ManifestProblem {
  /** 1-based line number in the manifest. */
  line: number;
  reason: string;
}

export interface ManifestRow {
  line: number;
  /** audio_filepath resolved against the manifest's folder. */
  entry: ManifestEntry;
}

export interface AudioLimits {
  sampleRate: number;
  maxSeconds: number;
  minSeconds: number;
}

export const DEFAULT_AUDIO_LIMITS: AudioLimits = { sampleRate: 16000, maxSeconds: 20, minSeconds: 0.2 };

/** Every non-blank line as an entry or a problem (bad JSON, not an entry, empty text). */
export function parseManifestLines(path: string): { rows: ManifestRow[]; problems: ManifestProblem[] } {
  const base = dirname(resolve(path));
  const rows: ManifestRow[] = [];
  const problems: ManifestProblem[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const line = i + 1;
      if (!text.trim()) return;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        problems.push({ line, reason: 'invalid JSON' });
        return;
      }
      const parsed = ManifestEntrySchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        problems.push({
          line,
          reason: `not a manifest entry (${issue.path.join('.') || 'line'}: ${issue.message})`,
        });
        return;
      }
      const e = parsed.data;
      if (!e.text.trim()) {
        problems.push({ line, reason: 'empty text' });
        return;
      }
      const audio = isAbsolute(e.audio_filepath) ? e.audio_filepath : resolve(base, e.audio_filepath);
      rows.push({ line, entry: { ...e, audio_filepath: audio } });
    });
  return { rows, problems };
}

/** Loads a row's audio, or says why it cannot be used. */
export function loadCheckedAudio(
  row: ManifestRow,
  limits: AudioLimits = DEFAULT_AUDIO_LIMITS,
): { audio: Float32Array } | { problem: ManifestProblem } {
  const path = row.entry.audio_filepath;
  const fail = (reason: string) => ({ problem: { line: row.line, reason } });
  if (!existsSync(path)) return fail(`missing audio file ${path}`);
  let wav: ReturnType<typeof readWavSync>;
  try {
    wav = readWavSync(path);
  } catch (err) {
    return fail(`unreadable audio ${path}: ${(err as Error).message}`);
  }
  if (wav.sampleRate !== limits.sampleRate)
    return fail(
      `sample rate ${wav.sampleRate} Hz, expected ${limits.sampleRate} Hz (resample when importing)`,
    );
  const seconds = wav.samples.length / wav.sampleRate;
  if (seconds > limits.maxSeconds) return fail(`too long: ${seconds.toFixed(1)} s > ${limits.maxSeconds} s`);
  if (seconds < limits.minSeconds) return fail(`too short: ${seconds.toFixed(2)} s < ${limits.minSeconds} s`);
  return { audio: wav.samples };
}

export interface CheckedManifest {
  path: string;
  /** Usable entries with their audio. */
  entries: (ManifestEntry & { audio: Float32Array; line: number })[];
  problems: ManifestProblem[];
  /** Non-blank lines read. */
  lines: number;
}

/** Parses and loads a whole manifest, skipping (and recording) every bad line. */
export function readManifestChecked(
  path: string,
  limits: AudioLimits = DEFAULT_AUDIO_LIMITS,
): CheckedManifest {
  const { rows, problems } = parseManifestLines(path);
  const lines = rows.length + problems.length;
  const entries: CheckedManifest['entries'] = [];
  for (const row of rows) {
    const r = loadCheckedAudio(row, limits);
    if ('problem' in r) problems.push(r.problem);
    else entries.push({ ...row.entry, audio: r.audio, line: row.line });
  }
  problems.sort((a, b) => a.line - b.line);
  return { path, entries, problems, lines };
}

/** "train.jsonl: 2 of 120 lines skipped" plus the first few reasons; empty when nothing was skipped. */
export function describeProblems(
  label: string,
  path: string,
  problems: ManifestProblem[],
  lines: number,
  max = 8,
): string {
  if (problems.length === 0) return '';
  const shown = problems.slice(0, max).map((p) => `  ${path}:${p.line}: ${p.reason}`);
  const more = problems.length > max ? [`  … and ${problems.length - max} more`] : [];
  return [`${label}: ${problems.length} of ${lines} lines skipped`, ...shown, ...more].join('\n');
}
