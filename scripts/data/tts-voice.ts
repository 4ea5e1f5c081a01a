/**
 * `npm run data -- tts-voice --lang es|en [--voice <id>] --out <dir> [--count N] [--dev N] [--test N]
 *    [--seed N] [--jobs N] [--text-dir data/medium/text]`
 *
 * A single-speaker set for training a TTS voice: corpus sentences (written form) read by ONE clean
 * voice (no noise, no channel, the generator's own prosody), 16 kHz mono s16. The voice reads
 * `normalizeText(text)`, stored as `text_normalized`, so the audio says exactly what the model
 * will be given. Writes <out>/{train,dev,test}.jsonl (NeMo manifests, audio under <out>/wav/) and
 * <out>/report.json. Deterministic for a seed; a rerun skips files already made.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { readJsonl, writeJsonl } from './lib/manifest.ts';
import { pcm16WavDurationS } from './lib/pcm16-wav.ts';
import { runPool } from './lib/pool.ts';
import { requireTools } from './lib/tools.ts';
import type { Lang } from './synth/voices.ts';
import { generatePairs, type TextPair } from './text/generate-pairs.ts';
import type { Split } from './text/picker.ts';
import { planTtsSplit, type TtsUtterancePlan } from './tts-voice/plan.ts';
import { renderTtsUtterance } from './tts-voice/render.ts';
import { defaultVoiceId, resolveVoice, toolsFor } from './tts-voice/voices.ts';

const SPLITS: Split[] = ['train', 'dev', 'test'];
const USAGE =
  'usage: npm run data -- tts-voice --lang es|en --out <dir> [--voice <id>] [--count N] [--dev N] [--test N] [--seed N] [--jobs N] [--text-dir <dir>]';

export interface TtsVoiceOptions {
  lang: Lang;
  voiceId: string;
  out: string;
  counts: Record<Split, number>;
  seed: number;
  jobs: number;
  /** <dir>/{train,dev,test}.jsonl of TextPair; when absent the pairs are generated from the seed */
  textDir?: string;
  quiet?: boolean;
}

function parseArgs(args: string[]): TtsVoiceOptions {
  const get = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const int = (name: string, def: number) => {
    const v = Number(get(name) ?? def);
    if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be a whole number ≥ 0\n${USAGE}`);
    return v;
  };
  const lang = get('lang');
  if (lang !== 'es' && lang !== 'en') throw new Error(`--lang must be es or en\n${USAGE}`);
  const out = get('out');
  if (!out) throw new Error(USAGE);
  const train = int('count', 1800);
  return {
    lang,
    voiceId: get('voice') ?? defaultVoiceId(lang),
    out: resolve(out),
    // dev/test keep the default 1800:60:100 proportions unless given
    counts: {
      train,
      dev: int('dev', Math.max(1, Math.round(train / 30))),
      test: int('test', Math.max(1, Math.round(train / 18))),
    },
    seed: int('seed', 1),
    jobs: Math.max(1, int('jobs', 2)),
    textDir: get('text-dir') ?? (existsSync('data/medium/text/train.jsonl') ? 'data/medium/text' : undefined),
  };
}

function loadPairs(opts: TtsVoiceOptions): Record<Split, TextPair[]> {
  if (opts.textDir) {
    const dir = resolve(opts.textDir);
    return Object.fromEntries(SPLITS.map((s) => [s, readJsonl<TextPair>(join(dir, `${s}.jsonl`))])) as Record<
      Split,
      TextPair[]
    >;
  }
  // enough candidates that de-duplication and length limits still leave the counts
  const want = (n: number) => Math.max(50, n * 3);
  return generatePairs(opts.seed, {
    train: want(opts.counts.train),
    dev: want(opts.counts.dev),
    test: want(opts.counts.test),
  });
}

export function ttsManifestRow(p: TtsUtterancePlan, duration: number) {
  return {
    audio_filepath: p.audioRel,
    duration: Number(duration.toFixed(4)),
    text: p.text,
    text_normalized: p.textNormalized,
    lang: p.lang,
    speaker: p.voice.id,
    generator: p.voice.generator,
    domain: p.domain,
    pair_id: p.pairId,
  };
}

export interface TtsVoiceSummary {
  voice: string;
  lang: Lang;
  seed: number;
  utterances: Record<Split, number>;
  hours: Record<Split, number>;
  made: number;
  skipped: number;
  failed: number;
  jobs: number;
  seconds: number;
  /** wall seconds per utterance made in this run (null when nothing was made) */
  secondsPerUtterance: number | null;
}

export async function buildTtsVoice(opts: TtsVoiceOptions) {
  const t0 = performance.now();
  const voice = resolveVoice(opts.voiceId, opts.lang);
  requireTools(['sox', ...toolsFor(voice)], 'npm run data -- tts-voice');
  const log = opts.quiet ? () => {} : (s: string) => console.log(s);

  const pairs = loadPairs(opts);
  const plans = SPLITS.flatMap((split) =>
    planTtsSplit(opts.seed, opts.lang, split, opts.counts[split], pairs[split], voice),
  );
  const pathOf = (p: TtsUtterancePlan) => join(opts.out, p.audioRel);
  log(
    `voice ${voice.id} (${voice.generator} ${voice.voice}), ${SPLITS.map((s) => `${s} ${opts.counts[s]}`).join(', ')} → ${opts.out}`,
  );

  let made = 0;
  let skipped = 0;
  const failures: string[] = [];
  const bar = opts.quiet
    ? null
    : new cliProgress.SingleBar(
        {
          format: 'tts-voice {bar} {percentage}% | {value}/{total} utts | ETA {eta_formatted}',
          etaBuffer: 100,
        },
        cliProgress.Presets.shades_classic,
      );
  bar?.start(plans.length, 0);
  const tSynth = performance.now();
  await runPool(
    plans,
    opts.jobs,
    async (p) => {
      if (await renderTtsUtterance(p, pathOf(p))) made++;
      else skipped++;
    },
    (p, error) => {
      if (error) failures.push(`${p.id}: ${String((error as Error).message ?? error).split('\n')[0]}`);
      bar?.increment(1);
    },
  );
  bar?.stop();
  const synthSeconds = (performance.now() - tSynth) / 1000;
  if (failures.length) {
    console.error(
      `${failures.length} utterances failed (left out):\n  ${failures.slice(0, 10).join('\n  ')}`,
    );
  }

  const failed = new Set(failures.map((f) => f.split(':')[0]));
  const utterances = { train: 0, dev: 0, test: 0 };
  const hours = { train: 0, dev: 0, test: 0 };
  for (const split of SPLITS) {
    const rows = plans
      .filter((p) => p.split === split && !failed.has(p.id))
      .map((p) => ttsManifestRow(p, pcm16WavDurationS(pathOf(p))));
    writeJsonl(join(opts.out, `${split}.jsonl`), rows);
    utterances[split] = rows.length;
    hours[split] = Number((rows.reduce((a, r) => a + r.duration, 0) / 3600).toFixed(4));
  }
  const summary: TtsVoiceSummary = {
    voice: voice.id,
    lang: opts.lang,
    seed: opts.seed,
    utterances,
    hours,
    made,
    skipped,
    failed: failures.length,
    jobs: opts.jobs,
    seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
    secondsPerUtterance: made ? Number((synthSeconds / made).toFixed(3)) : null,
  };
  writeFileSync(join(opts.out, 'report.json'), `${JSON.stringify(summary, null, 2)}\n`);
  log(formatSummary(summary));
  return { summary, failures };
}

export function formatSummary(s: TtsVoiceSummary): string {
  const lines = ['split      utts    hours'];
  for (const split of SPLITS) {
    lines.push(
      `${split.padEnd(8)} ${String(s.utterances[split]).padStart(6)} ${s.hours[split].toFixed(3).padStart(8)}`,
    );
  }
  lines.push(
    `made ${s.made}, skipped (already there) ${s.skipped}, failed ${s.failed}; ${s.seconds} s with ${s.jobs} jobs` +
      (s.secondsPerUtterance !== null ? ` (${s.secondsPerUtterance} s wall per utterance made)` : ''),
  );
  return lines.join('\n');
}

export async function main(args: string[]): Promise<void> {
  try {
    const { failures } = await buildTtsVoice(parseArgs(args));
    if (failures.length) process.exitCode = 1;
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
