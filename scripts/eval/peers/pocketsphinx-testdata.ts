/**
 * Real human speech from Debian's pocketsphinx-testdata as a NeMo manifest. The package ships
 * a few 16 kHz recordings with Sphinx-format transcriptions (`<s> words </s> (uttid)`):
 * LibriVox read speech (Sense and Sensibility) and spoken playing cards. Files without a
 * transcription (raw goforward/numbers clips) or without audio (tidigits MFCC features) are
 * skipped and counted.
 *
 *   tsx scripts/eval/peers/pocketsphinx-testdata.ts [--out data/real/pocketsphinx-testdata.jsonl]
 *       [--score [--per-file]] [--report reports/pocketsphinx-testdata.json]
 * --score also runs pocketsphinx on every file (each file one utterance, one model load for
 * all) and prints its WER/CER (same normalization as our own evaluation).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { scoreCorpus } from '../metrics/wer.ts';
import {
  recognizeManyWithPocketsphinx,
  recognizeWithPocketsphinx,
  requirePocketsphinx,
} from './pocketsphinx.ts';
import { readWavInfo } from './wav-info.ts';

export const TESTDATA_PACKAGE = 'pocketsphinx-testdata';
export const TESTDATA_DIR = '/usr/share/pocketsphinx/test/data';
export const TESTDATA_INSTALL = `sudo apt-get install ${TESTDATA_PACKAGE}`;

export interface ManifestEntry {
  audio_filepath: string;
  duration: number;
  text: string;
  lang: 'en';
  /** Which recording set of the package the file belongs to. */
  set: string;
}

export interface TestdataScan {
  entries: ManifestEntry[];
  /** Transcribed utterances whose audio is not a WAV in the package (features only). */
  missingAudio: string[];
  /** WAV or raw recordings with no transcription. */
  untranscribed: string[];
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** Files of the installed package (dpkg -L), or a walk of its data folder without dpkg. */
export function listTestdataFiles(): string[] {
  const dpkg = spawnSync('dpkg', ['-L', TESTDATA_PACKAGE], { encoding: 'utf8' });
  if (dpkg.status === 0) {
    return dpkg.stdout
      .split('\n')
      .filter((p) => p.startsWith(TESTDATA_DIR))
      .filter((p) => existsSync(p) && statSync(p).isFile());
  }
  return walk(TESTDATA_DIR);
}

/** Parses one Sphinx transcription line: "<s> words </s> (uttid)" → { uttId, text }. */
export function parseTranscriptionLine(line: string): { uttId: string; text: string } | null {
  const m = /^(.*)\(([^()\s]+)\)\s*$/.exec(line.trim());
  if (!m) return null;
  const text = m[1]
    .split(/\s+/)
    .filter((w) => w && !/^<\/?s>$|^<sil>$|^\+\+.*\+\+$|^\[.*\]$/.test(w))
    .join(' ');
  return { uttId: m[2], text };
}

export function scanTestdata(files: string[] = listTestdataFiles()): TestdataScan {
  const present = new Set(files);
  const entries: ManifestEntry[] = [];
  const missingAudio: string[] = [];
  const used = new Set<string>();
  const transcriptions = files.filter((f) => /(^|[./])transcription$|\.lsn$/.test(basename(f))).sort();
  for (const tf of transcriptions) {
    const dir = dirname(tf);
    for (const line of readFileSync(tf, 'utf8').split('\n')) {
      const parsed = parseTranscriptionLine(line);
      if (!parsed) continue;
      const wav = join(dir, `${parsed.uttId}.wav`);
      if (!present.has(wav)) {
        missingAudio.push(`${basename(dir)}/${parsed.uttId}`);
        continue;
      }
      used.add(wav);
      entries.push({
        audio_filepath: wav,
        duration: Math.round(readWavInfo(wav).durationSec * 1000) / 1000,
        text: parsed.text,
        lang: 'en',
        set: basename(dir),
      });
    }
  }
  const untranscribed = files.filter((f) => /\.(wav|raw)$/.test(f) && !used.has(f)).sort();
  return { entries, missingAudio, untranscribed };
}

export function toJsonl(entries: readonly ManifestEntry[]): string {
  return entries.map((e) => JSON.stringify(e)).join('\n') + (entries.length ? '\n' : '');
}

/** One at a time: the box is shared and each pocketsphinx process loads its whole model. */
async function sequential<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await fn(item));
  return out;
}

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
}

export async function main(args: string[]): Promise<void> {
  if (!existsSync(TESTDATA_DIR)) {
    console.error(`${TESTDATA_PACKAGE} is not installed. Install it with:\n  ${TESTDATA_INSTALL}`);
    process.exitCode = 1;
    return;
  }
  const out = option(args, '--out', 'data/real/pocketsphinx-testdata.jsonl');
  const scan = scanTestdata();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, toJsonl(scan.entries));
  const hours = scan.entries.reduce((a, e) => a + e.duration, 0) / 3600;
  console.error(
    `wrote ${scan.entries.length} utterances (${(hours * 60).toFixed(2)} min) to ${out}; ` +
      `skipped ${scan.missingAudio.length} transcribed utterances without audio, ${scan.untranscribed.length} recordings without transcription`,
  );
  if (!args.includes('--score')) return;

  const cli = requirePocketsphinx();
  const scored: { ref: string; hyp: string; groups: Record<string, string> }[] = [];
  const perUtterance: { audio: string; ref: string; hyp: string }[] = [];
  let audioSec = 0;
  let elapsedMs = 0;
  const paths = scan.entries.map((e) => e.audio_filepath);
  // --per-file: one process per file, letting pocketsphinx_continuous split at silences.
  const results = args.includes('--per-file')
    ? await sequential(paths, (p) => recognizeWithPocketsphinx(p, { cli }))
    : await recognizeManyWithPocketsphinx(paths, { cli });
  scan.entries.forEach((e, i) => {
    const r = results[i];
    audioSec += r.durationSec;
    elapsedMs += r.elapsedMs;
    scored.push({ ref: e.text, hyp: r.text, groups: { set: e.set } });
    perUtterance.push({ audio: basename(e.audio_filepath), ref: e.text, hyp: r.text });
  });
  const score = scoreCorpus(scored, 'en');
  const report = {
    peer: `pocketsphinx en-us (${results[0]?.mode ?? cli.kind})`,
    manifest: out,
    ...score,
    rtf: elapsedMs / 1000 / audioSec,
    audioSec,
    utterancesDetail: perUtterance,
  };
  const reportPath = option(args, '--report', 'reports/pocketsphinx-testdata.json');
  mkdirSync(dirname(reportPath), { recursive: true });
  writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    JSON.stringify({
      wer: report.wer,
      cer: report.cer,
      rtf: report.rtf,
      utterances: report.utterances,
      byGroup: report.byGroup,
    }),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}
