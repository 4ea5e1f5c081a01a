/**
 * `npm run data -- build --size small|medium|full --out <dir> [--seed N] [--jobs N] [--langs en,es]`
 *
 * Writes <dir>/text/{train,dev,test}.jsonl (aligned pairs), <dir>/<lang>/{train,dev,test}.jsonl
 * (NeMo manifests, audio under <dir>/<lang>/wav/), <dir>/noise/*.wav and <dir>/report.json.
 * Deterministic for a seed; rerunning skips utterances whose file already exists.
 */

import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { planUtterances, type UtterancePlan } from './build/plan.ts';
import { renderUtterance, writtenDurationS } from './build/render-utterance.ts';
import { buildReport, formatReport } from './build/report.ts';
import { SIZES, type SizeName, type SizeSpec } from './build/sizes.ts';
import { writeJsonl } from './lib/manifest.ts';
import { readPcm16Wav } from './lib/pcm16-wav.ts';
import { runPool } from './lib/pool.ts';
import { requireTools } from './lib/tools.ts';
import { buildNoiseBank } from './synth/noise-bank.ts';
import { type Lang, voiceCatalog } from './synth/voices.ts';
import { generatePairs } from './text/generate-pairs.ts';
import type { Split } from './text/picker.ts';

const SPLITS: Split[] = ['train', 'dev', 'test'];

export interface BuildOptions {
  size: SizeName;
  out: string;
  seed: number;
  jobs: number;
  langs: Lang[];
  quiet?: boolean;
  /** overrides the named size (tests build a tiny corpus) */
  spec?: SizeSpec;
}

function parseArgs(args: string[]): BuildOptions {
  const get = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const size = (get('size') ?? 'small') as SizeName;
  if (!(size in SIZES)) throw new Error(`--size must be small, medium or full, got ${size}`);
  const out = get('out');
  if (!out)
    throw new Error(
      'usage: npm run data -- build --size small|medium|full --out <dir> [--seed N] [--jobs N] [--langs en,es]',
    );
  return {
    size,
    out: resolve(out),
    seed: Number(get('seed') ?? 1),
    jobs: Number(get('jobs') ?? cpus().length),
    langs: (get('langs') ?? 'en,es').split(',') as Lang[],
  };
}

export function manifestRow(p: UtterancePlan, duration: number) {
  return {
    audio_filepath: p.audioRel,
    duration: Number(duration.toFixed(4)),
    text: p.text,
    lang: p.lang,
    speaker: p.voice.id,
    accent: p.voice.accent,
    gender: p.voice.gender,
    generator: p.voice.generator,
    snr_db: p.snrDb,
    noise: p.noise,
    channel: p.channel,
    domain: p.domain,
    template: p.template,
    pair_id: p.pairId,
    text_display: p.textDisplay,
  };
}

export async function buildCorpus(opts: BuildOptions) {
  const t0 = performance.now();
  requireTools(['espeak-ng', 'sox', 'flite', 'text2wave'], 'npm run data -- build');
  const spec = opts.spec ?? SIZES[opts.size];
  const log = opts.quiet ? () => {} : (s: string) => console.log(s);

  const pairs = generatePairs(opts.seed, spec.text);
  for (const split of SPLITS) writeJsonl(join(opts.out, 'text', `${split}.jsonl`), pairs[split]);
  log(`text: ${SPLITS.map((s) => `${s} ${pairs[s].length}`).join(', ')} pairs`);

  const voices = voiceCatalog();
  const bank = await buildNoiseBank(
    join(opts.out, 'noise'),
    opts.seed,
    (split) => voices.filter((v) => v.split === split && v.generator === 'espeak-ng' && v.lang === 'en'),
    (split) => pairs[split].slice(0, 400).map((p) => p.src_say),
  );
  const noiseCache = new Map<string, Float32Array>();
  const noiseSamples = (id: string) => {
    let x = noiseCache.get(id);
    if (!x) {
      const entry = bank.get(id);
      if (!entry) throw new Error(`unknown noise ${id}`);
      x = readPcm16Wav(entry.path).samples;
      noiseCache.set(id, x);
    }
    return x;
  };

  const plans: UtterancePlan[] = [];
  for (const lang of opts.langs) {
    for (const split of SPLITS)
      plans.push(...planUtterances(opts.seed, lang, split, spec.audio[lang][split], pairs[split], voices));
  }
  const pathOf = (p: UtterancePlan) => join(opts.out, p.lang, p.audioRel);

  let made = 0;
  let skipped = 0;
  const failures: string[] = [];
  const bar = opts.quiet
    ? null
    : new cliProgress.SingleBar(
        {
          format: 'synth {bar} {percentage}% | {value}/{total} utts | ETA {eta_formatted} | {last}',
          etaBuffer: 200,
        },
        cliProgress.Presets.shades_classic,
      );
  bar?.start(plans.length, 0, { last: '' });
  await runPool(
    plans,
    opts.jobs,
    async (p) => {
      if (await renderUtterance(p, pathOf(p), noiseSamples)) made++;
      else skipped++;
    },
    (p, error) => {
      if (error)
        failures.push(`${p.id} (${p.voice.id}): ${String((error as Error).message ?? error).split('\n')[0]}`);
      bar?.increment(1, { last: p.voice.id });
    },
  );
  bar?.stop();
  if (failures.length) {
    console.error(
      `${failures.length} utterances failed (left out of the manifests):\n  ${failures.slice(0, 10).join('\n  ')}`,
    );
  }

  const failed = new Set(failures.map((f) => f.split(' ')[0]));
  const manifests: { lang: string; split: string; entries: ReturnType<typeof manifestRow>[] }[] = [];
  for (const lang of opts.langs) {
    for (const split of SPLITS) {
      const rows = plans
        .filter((p) => p.lang === lang && p.split === split && !failed.has(p.id))
        .map((p) => manifestRow(p, writtenDurationS(pathOf(p))));
      writeJsonl(join(opts.out, lang, `${split}.jsonl`), rows);
      manifests.push({ lang, split, entries: rows });
    }
  }
  const report = buildReport(manifests, {
    seed: opts.seed,
    size: opts.size,
    text: Object.fromEntries(SPLITS.map((s) => [s, pairs[s].length])),
  });
  const buildSeconds = (performance.now() - t0) / 1000;
  writeFileSync(
    join(opts.out, 'report.json'),
    `${JSON.stringify({ ...report, build: { made, skipped, failed: failures.length, jobs: opts.jobs, seconds: Number(buildSeconds.toFixed(1)) } }, null, 2)}\n`,
  );
  log(formatReport(report));
  log(
    `\nmade ${made}, skipped (already there) ${skipped}, failed ${failures.length}; ${buildSeconds.toFixed(1)} s with ${opts.jobs} jobs`,
  );
  return { report, made, skipped, failures };
}

export async function main(args: string[]): Promise<void> {
  try {
    await buildCorpus(parseArgs(args));
  } catch (error) {
    // usage and missing-tool errors carry their own instructions; no stack needed
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
