/**
 * `npm run eval -- asr --manifest <file.jsonl> [--model <id> | --model-dir DIR]
 *   [--peer pocketsphinx] [--limit N] [--greedy] [--streaming] [--no-lm] [--beam N]
 *   [--lm-weight A] [--word-bonus B] [--verbose] [--json] [--record]`
 *
 * Decodes every utterance of a NeMo manifest through the serving engine (beam + LM by
 * default; `--greedy` for best path; `--streaming` feeds 100 ms pieces through a live stream
 * instead of one ORT call) and scores it with the one normalization (scripts/eval/metrics/wer):
 * corpus WER/CER, RTF (decode time incl. features / audio time, one stream, after a warm-up),
 * and per-accent and per-SNR breakdowns. `--peer pocketsphinx` runs Debian's pocketsphinx
 * en-us on the same files in the same run, scored the same way. `--json` prints one JSON object
 * as the last line; `--record` stores the figures in the model's model.json under
 * `evaluation.<manifest name>` with the date and command.
 */
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { OnnxSessionCache, runtimeOptionsFromConfig } from '../../models/onnx-session.ts';
import { resample } from '../../server/audio/resample.ts';
import { readWavSync } from '../../server/audio/wav-io.ts';
import { loadConfig } from '../../server/config.ts';
import { AsrEngine, type TranscribeOptions } from '../../server/stages/asr/engine.ts';
import { type ManifestEntry, readManifest } from '../data/lib/manifest.ts';
import { recordTunedLm, tuneLm } from './asr-tune-lm.ts';
import {
  type CorpusScore,
  type ErrorSummary,
  type ScoredUtterance,
  scoreCorpus,
  snrBucket,
} from './metrics/wer.ts';
import {
  findPocketsphinx,
  POCKETSPHINX_INSTALL,
  recognizeManyWithPocketsphinx,
} from './peers/pocketsphinx.ts';
import { recordFigures } from './record-card.ts';

const USAGE = `usage: npm run eval -- asr --manifest <file.jsonl> [--model <id> | --model-dir DIR]
  [--peer pocketsphinx] [--limit N] [--greedy] [--streaming] [--no-lm] [--beam N]
  [--lm-weight A] [--word-bonus B] [--verbose] [--json] [--record] [--tune-lm]
  --tune-lm   grid-search the LM weight α and word bonus β on this manifest (use dev, never
              test) and write the best pair into the model's model.json (lm.weight, lm.wordBonus)`;

const SAMPLE_RATE = 16000;

export interface GroupFigures {
  utterances: number;
  wer: number;
  cer: number;
}

export interface SystemFigures {
  utterances: number;
  audio_sec: number;
  wer: number;
  cer: number;
  rtf: number;
  by_accent: Record<string, GroupFigures>;
  by_snr: Record<string, GroupFigures>;
}

export interface AsrEvalReport extends SystemFigures {
  model: string;
  model_dir: string;
  manifest: string;
  decoder: string;
  peer?: SystemFigures & { name: 'pocketsphinx'; mode: string };
}

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

function groupFigures(groups: Record<string, ErrorSummary> | undefined): Record<string, GroupFigures> {
  return Object.fromEntries(
    Object.entries(groups ?? {}).map(([k, s]) => [
      k,
      { utterances: s.utterances, wer: round(s.wer), cer: round(s.cer) },
    ]),
  );
}

export function figures(score: CorpusScore, audioSec: number, decodeSec: number): SystemFigures {
  return {
    utterances: score.utterances,
    audio_sec: round(audioSec, 2),
    wer: round(score.wer),
    cer: round(score.cer),
    rtf: round(decodeSec / Math.max(audioSec, 1e-9), 5),
    by_accent: groupFigures(score.byGroup.accent),
    by_snr: groupFigures(score.byGroup.snr),
  };
}

export function groupsOf(e: ManifestEntry): Record<string, string> {
  return { accent: e.accent ?? 'unknown', snr: snrBucket(e.snr_db) };
}

export function loadAudio16k(path: string): Float32Array {
  const wav = readWavSync(path);
  return wav.sampleRate === SAMPLE_RATE ? wav.samples : resample(wav.samples, wav.sampleRate, SAMPLE_RATE);
}

export interface DecodeManifestOptions extends TranscribeOptions {
  /** Print reference and hypothesis of every utterance to stderr. */
  verbose?: boolean;
  /** Progress bar on stderr (default true). */
  progress?: boolean;
}

/**
 * Decodes every manifest entry with `engine` (one ORT call per utterance, after a warm-up that
 * stays out of the RTF) and returns the scored pairs with accent/SNR groups and the timings.
 */
export async function decodeManifest(
  engine: AsrEngine,
  entries: readonly ManifestEntry[],
  opts: DecodeManifestOptions = {},
): Promise<{ items: ScoredUtterance[]; audioSec: number; decodeSec: number }> {
  const { verbose, progress = true, ...decodeOpts } = opts;
  // The first ORT run allocates and plans; keep it out of the RTF.
  await engine.transcribe(new Float32Array(SAMPLE_RATE / 2), decodeOpts);
  const bar = progress
    ? new cliProgress.SingleBar(
        { format: 'asr {bar} {value}/{total} | ETA {eta_formatted} | {wer}', stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(entries.length, 0, { wer: '' });
  const items: ScoredUtterance[] = [];
  let audioSec = 0;
  let decodeSec = 0;
  for (const e of entries) {
    const audio = loadAudio16k(e.audio_filepath);
    const t0 = performance.now();
    const final = await engine.transcribe(audio, decodeOpts);
    decodeSec += (performance.now() - t0) / 1000;
    audioSec += audio.length / SAMPLE_RATE;
    items.push({ ref: e.text, hyp: final.text, groups: groupsOf(e) });
    if (verbose) console.error(`\n${basename(e.audio_filepath)}\n  ref: ${e.text}\n  hyp: ${final.text}`);
    bar?.increment(1, { wer: `WER ${(scoreCorpus(items, engine.lang).wer * 100).toFixed(1)}%` });
  }
  bar?.stop();
  return { items, audioSec, decodeSec };
}

/** Loads the recognizer in `modelDir`, decodes `entries` and returns the figures (eval's JSON shape). */
export async function evaluateAsrModelDir(
  modelDir: string,
  entries: readonly ManifestEntry[],
  opts: DecodeManifestOptions = {},
): Promise<SystemFigures & { model: string; decoder: string }> {
  const cache = new OnnxSessionCache(runtimeOptionsFromConfig(loadConfig().models));
  const engine = await AsrEngine.load(modelDir, cache, { batching: false });
  try {
    const { items, audioSec, decodeSec } = await decodeManifest(engine, entries, opts);
    const decoder = opts.decoder === 'greedy' ? 'greedy' : engine.lm ? 'beam+lm' : 'beam';
    return {
      model: engine.card.id,
      decoder,
      ...figures(scoreCorpus(items, engine.lang), audioSec, decodeSec),
    };
  } finally {
    await engine.close();
    await cache.dispose();
  }
}

function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`.padStart(8);
}

function printTable(report: AsrEvalReport): void {
  const systems: [string, SystemFigures][] = [[`tolk ${report.model} (${report.decoder})`, report]];
  if (report.peer) systems.push([`pocketsphinx en-us (${report.peer.mode})`, report.peer]);
  const width = Math.max(...systems.map(([n]) => n.length), 12);
  console.log(
    `${report.manifest}: ${report.utterances} utterances, ${report.audio_sec.toFixed(1)} s of audio`,
  );
  console.log(`${'system'.padEnd(width)}      WER      CER      RTF`);
  for (const [name, f] of systems)
    console.log(`${name.padEnd(width)} ${pct(f.wer)} ${pct(f.cer)} ${f.rtf.toFixed(4).padStart(8)}`);
  for (const [label, key] of [
    ['accent', 'by_accent'],
    ['snr', 'by_snr'],
  ] as const) {
    const values = Object.keys(report[key]);
    if (values.length === 0) continue;
    const header = systems.map(([n]) => n.split(' ')[0].padStart(14)).join('');
    console.log(`\nWER by ${label}${' '.repeat(Math.max(1, 16 - label.length))}  utt${header}`);
    for (const v of values) {
      const cells = systems.map(([, f]) => pct(f[key][v]?.wer ?? Number.NaN).padStart(14)).join('');
      console.log(`  ${v.padEnd(22)} ${String(report[key][v].utterances).padStart(4)}${cells}`);
    }
  }
}

async function tuneAndRecord(
  engine: AsrEngine,
  entries: ManifestEntry[],
  modelDir: string,
  manifest: string,
  args: string[],
): Promise<void> {
  if (!engine.lm) throw new Error(`${modelDir} has no LM: nothing to tune`);
  const inputs = entries.map((e) => ({ audio: loadAudio16k(e.audio_filepath), reference: e.text }));
  const points = await tuneLm(engine, inputs);
  console.log('  α     β      WER      CER');
  for (const p of points.slice(0, 8))
    console.log(
      `${p.lmWeight.toFixed(2).padStart(5)} ${p.wordBonus.toFixed(2).padStart(5)}  ${pct(p.wer)}  ${pct(p.cer)}`,
    );
  const best = points[0];
  recordTunedLm(modelDir, best, {
    manifest,
    utterances: inputs.length,
    command: `npm run eval -- asr ${args.join(' ')}`,
  });
  console.log(
    `recorded lm.weight ${best.lmWeight}, lm.wordBonus ${best.wordBonus} in ${join(modelDir, 'model.json')}`,
  );
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      manifest: { type: 'string' },
      model: { type: 'string' },
      'model-dir': { type: 'string' },
      peer: { type: 'string' },
      limit: { type: 'string' },
      greedy: { type: 'boolean', default: false },
      streaming: { type: 'boolean', default: false },
      'no-lm': { type: 'boolean', default: false },
      beam: { type: 'string' },
      'lm-weight': { type: 'string' },
      'word-bonus': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      record: { type: 'boolean', default: false },
      'tune-lm': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.manifest) {
    console.error(USAGE);
    if (!values.help) process.exitCode = 2;
    return;
  }
  if (values.peer && values.peer !== 'pocketsphinx') {
    console.error(`unknown --peer ${values.peer}; the only peer is pocketsphinx`);
    process.exitCode = 2;
    return;
  }
  if (values.greedy && values.streaming) {
    console.error('--streaming decodes like a live session (beam search); drop --greedy');
    process.exitCode = 2;
    return;
  }
  const config = loadConfig();
  const modelDir = resolve(values['model-dir'] ?? join(config.models.dir, values.model ?? 'asr-en'));
  const manifestPath = resolve(values.manifest);
  const limit = values.limit ? Number.parseInt(values.limit, 10) : undefined;
  const entries = readManifest(manifestPath).slice(0, limit);
  if (values.peer && !findPocketsphinx()) {
    console.error(
      `eval asr: pocketsphinx with the en-us model is not installed. Install it with:\n  ${POCKETSPHINX_INSTALL}`,
    );
    process.exitCode = 1;
    return;
  }

  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const cache = new OnnxSessionCache(runtimeOptionsFromConfig(config.models));
  let engine: AsrEngine;
  try {
    engine = await AsrEngine.load(modelDir, cache, {
      batching: false,
      useLm: !values['no-lm'],
      beam: {
        beamWidth: num(values.beam),
        lmWeight: num(values['lm-weight']),
        wordBonus: num(values['word-bonus']),
      },
    });
  } catch (err) {
    console.error(`eval asr: ${(err as Error).message}`);
    process.exitCode = 1;
    await cache.dispose();
    return;
  }
  if (values.peer && engine.lang !== 'en') {
    console.error(`eval asr: pocketsphinx is an English peer; ${engine.card.id} is ${engine.lang}`);
    process.exitCode = 2;
    await cache.dispose();
    return;
  }
  if (values['tune-lm']) {
    try {
      await tuneAndRecord(engine, entries, modelDir, values.manifest, args);
    } finally {
      engine.close();
      await cache.dispose();
    }
    return;
  }
  const decoder = values.greedy ? 'greedy' : engine.lm ? 'beam+lm' : 'beam';
  const decodeOpts = {
    decoder: values.greedy ? ('greedy' as const) : ('beam' as const),
    streaming: values.streaming,
  };

  try {
    const { items, audioSec, decodeSec } = await decodeManifest(engine, entries, {
      ...decodeOpts,
      verbose: values.verbose,
    });
    const report: AsrEvalReport = {
      model: engine.card.id,
      model_dir: modelDir,
      manifest: manifestPath,
      decoder,
      ...figures(scoreCorpus(items, engine.lang), audioSec, decodeSec),
    };

    if (values.peer) {
      const t0 = performance.now();
      const results = await recognizeManyWithPocketsphinx(entries.map((e) => e.audio_filepath));
      const peerSec = (performance.now() - t0) / 1000;
      const peerItems = entries.map((e, i) => ({ ref: e.text, hyp: results[i].text, groups: groupsOf(e) }));
      const peerAudio = results.reduce((s, r) => s + r.durationSec, 0);
      report.peer = {
        name: 'pocketsphinx',
        mode: results[0]?.mode ?? 'none',
        ...figures(scoreCorpus(peerItems, 'en'), peerAudio, peerSec),
      };
    }

    printTable(report);
    if (values.record) {
      const key = basename(manifestPath).replace(/\.jsonl?$/i, '') + (values.greedy ? '-greedy' : '');
      const { model: _m, model_dir: _d, ...measured } = report;
      recordFigures(modelDir, key, {
        ...measured,
        manifest: values.manifest,
        date: new Date().toISOString(),
        command: `npm run eval -- asr ${args.join(' ')}`,
      });
      console.log(`recorded as evaluation.${key} in ${join(modelDir, 'model.json')}`);
    }
    if (values.json) console.log(JSON.stringify(report));
  } finally {
    engine.close();
    await cache.dispose();
  }
}
