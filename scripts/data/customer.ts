/**
 * `npm run data -- customer --accent caribbean --noise cafe --out data/customer [--train N]
 *    [--dev N] [--test N] [--snr 0:15] [--clean-share S] [--domains hotel,health] [--seed N]
 *    [--jobs N] [--noise-bank DIR] [--text-dir DIR]`
 *
 * The customer side of the fine-tune demo (docs/finetune.md): an accent and a noise type the
 * base corpus holds out of training, rendered by the corpus pipeline (same synthesis, channel,
 * mixing and manifest rows). Customer speakers are split train/dev/test; train sentences come
 * from the corpus's train text, dev/test sentences from its held-out splits. Writes
 * <out>/{train,dev,test}.jsonl (audio under <out>/wav/), <out>/noise/<noise>.wav (the first
 * half of the noise: the customer's own recording, for `finetune --noise-dir`), <out>/text.txt
 * (the train sentences, for `finetune asr-lm`) and <out>/report.json.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { planUtterances, type UtterancePlan } from './build/plan.ts';
import { renderUtterance, writtenDurationS } from './build/render-utterance.ts';
import { SIZES } from './build/sizes.ts';
import { manifestRow } from './build.ts';
import { customerVoices, heldOutOfBase, noiseHalves } from './customer/plan.ts';
import { readJsonl, writeJsonl } from './lib/manifest.ts';
import { readPcm16Wav, writePcm16WavAtomic } from './lib/pcm16-wav.ts';
import { runPool } from './lib/pool.ts';
import { requireTools } from './lib/tools.ts';
import { buildNoiseBank, NOISES } from './synth/noise-bank.ts';
import { type Generator, voiceCatalog } from './synth/voices.ts';
import { generatePairs, type TextPair } from './text/generate-pairs.ts';
import type { Split } from './text/picker.ts';

const SPLITS: Split[] = ['train', 'dev', 'test'];
const USAGE = `usage: npm run data -- customer --accent <accent> --noise <noise id> --out <dir>
  [--train N (1000 ≈ 1 h)] [--dev N (100)] [--test N (200)] [--snr MIN:MAX (0:15)] [--clean-share S (0.1)]
  [--domains a,b] [--seed N (1)] [--jobs N (2)] [--noise-bank DIR (data/medium/noise)] [--text-dir DIR (data/medium/text)]
accents held out of base training: ${heldOutAccents().join(', ')}; noises: ${NOISES.filter(
  (n) => n.split !== 'train',
)
  .map((n) => n.id)
  .join(', ')}`;

function heldOutAccents(): string[] {
  const en = voiceCatalog().filter((v) => v.lang === 'en');
  const inTrain = new Set(en.filter((v) => v.split === 'train').map((v) => v.accent));
  return [...new Set(en.map((v) => v.accent))].filter((a) => !inTrain.has(a)).sort();
}

const TOOL_OF: Record<Generator, string> = {
  'espeak-ng': 'espeak-ng',
  flite: 'flite',
  festival: 'text2wave',
};

export interface CustomerOptions {
  accent: string;
  noise: string;
  out: string;
  counts: Record<Split, number>;
  snrDb: [number, number];
  cleanShare: number;
  domains: string[] | null;
  seed: number;
  jobs: number;
  /** Folder with `<noise>.wav` (the corpus noise bank); built under <out>/noise-bank when absent. */
  noiseBank?: string;
  /** <dir>/{train,dev,test}.jsonl of TextPair; generated from the seed when absent. */
  textDir?: string;
  /** Overrides the generated text counts (tests). */
  textCounts?: Record<Split, number>;
  quiet?: boolean;
}

function parseArgs(args: string[]): CustomerOptions {
  const get = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const int = (name: string, def: number) => {
    const v = Number(get(name) ?? def);
    if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be a whole number ≥ 0\n${USAGE}`);
    return v;
  };
  const accent = get('accent');
  const noise = get('noise');
  const out = get('out');
  if (!accent || !noise || !out) throw new Error(USAGE);
  const snr = (get('snr') ?? '0:15').split(':').map(Number);
  if (snr.length !== 2 || snr.some((v) => !Number.isFinite(v)) || snr[0] > snr[1])
    throw new Error(`--snr must be MIN:MAX in dB\n${USAGE}`);
  const cleanShare = Number(get('clean-share') ?? 0.1);
  if (!(cleanShare >= 0 && cleanShare <= 1)) throw new Error(`--clean-share must be in [0, 1]\n${USAGE}`);
  return {
    accent,
    noise,
    out: resolve(out),
    counts: { train: int('train', 1000), dev: int('dev', 100), test: int('test', 200) },
    snrDb: [snr[0], snr[1]],
    cleanShare,
    domains: get('domains')?.split(',').filter(Boolean) ?? null,
    seed: int('seed', 1),
    jobs: Math.max(1, int('jobs', 2)),
    noiseBank: get('noise-bank') ?? (existsSync('data/medium/noise') ? 'data/medium/noise' : undefined),
    textDir: get('text-dir') ?? (existsSync('data/medium/text/train.jsonl') ? 'data/medium/text' : undefined),
  };
}

function loadPairs(o: CustomerOptions): Record<Split, TextPair[]> {
  const all = o.textDir
    ? (Object.fromEntries(
        SPLITS.map((s) => [s, readJsonl<TextPair>(join(resolve(o.textDir!), `${s}.jsonl`))]),
      ) as Record<Split, TextPair[]>)
    : generatePairs(o.seed, o.textCounts ?? SIZES.medium.text);
  if (!o.domains) return all;
  const keep = new Set(o.domains);
  const out = Object.fromEntries(SPLITS.map((s) => [s, all[s].filter((p) => keep.has(p.domain))])) as Record<
    Split,
    TextPair[]
  >;
  for (const s of SPLITS)
    if (out[s].length === 0) throw new Error(`no ${s} sentences in domains ${o.domains.join(', ')}`);
  return out;
}

async function loadNoise(o: CustomerOptions, pairs: Record<Split, TextPair[]>): Promise<Float32Array> {
  const spec = NOISES.find((n) => n.id === o.noise);
  if (!spec) throw new Error(`unknown noise ${o.noise}; noises: ${NOISES.map((n) => n.id).join(', ')}`);
  const given = o.noiseBank ? join(resolve(o.noiseBank), `${o.noise}.wav`) : null;
  if (given && existsSync(given)) return readPcm16Wav(given).samples;
  const voices = voiceCatalog();
  const bank = await buildNoiseBank(
    join(o.out, 'noise-bank'),
    o.seed,
    (split) => voices.filter((v) => v.split === split && v.generator === 'espeak-ng' && v.lang === 'en'),
    (split) => pairs[split].slice(0, 400).map((p) => p.src_say),
  );
  return readPcm16Wav(bank.get(o.noise)!.path).samples;
}

export interface CustomerSummary {
  accent: string;
  noise: string;
  heldOutOfBase: { accent: boolean; noise: boolean };
  seed: number;
  utterances: Record<Split, number>;
  hours: Record<Split, number>;
  speakers: Record<Split, string[]>;
  snrDb: [number, number];
  cleanShare: number;
  domains: string[] | null;
  made: number;
  skipped: number;
  failed: number;
  seconds: number;
}

export async function buildCustomerSet(o: CustomerOptions) {
  const t0 = performance.now();
  const log = o.quiet ? () => {} : (s: string) => console.log(s);
  const catalog = voiceCatalog();
  const voices = customerVoices(catalog, 'en', o.accent, o.seed);
  requireTools(['sox', ...new Set(voices.map((v) => TOOL_OF[v.generator]))], 'npm run data -- customer');
  const heldOut = heldOutOfBase(catalog, 'en', o.accent, NOISES.find((n) => n.id === o.noise)?.split);
  if (!heldOut.accent) log(`note: accent ${o.accent} has speakers in the base corpus's training split`);
  if (!heldOut.noise) log(`note: noise ${o.noise} is one of the base corpus's training noises`);

  const pairs = loadPairs(o);
  const noise = await loadNoise(o, pairs);
  const halves = noiseHalves(noise);
  mkdirSync(join(o.out, 'noise'), { recursive: true });
  writePcm16WavAtomic(join(o.out, 'noise', `${o.noise}.wav`), halves.train, 16000);

  const [lo, hi] = o.snrDb;
  const plans: UtterancePlan[] = SPLITS.flatMap((split) =>
    planUtterances(o.seed, 'en', split, o.counts[split], pairs[split], voices, {
      tag: { rng: `customer:${o.accent}:${o.noise}:${split}`, id: `customer-${split}` },
      noises: [o.noise],
      cleanShare: o.cleanShare,
      snrDb: (rng) => Math.round((lo + rng() * (hi - lo)) * 10) / 10,
    }),
  );
  const pathOf = (p: UtterancePlan) => join(o.out, p.audioRel);
  log(
    `customer set: accent ${o.accent}, noise ${o.noise} (${SPLITS.map((s) => `${s} ${o.counts[s]}`).join(', ')}) → ${o.out}`,
  );

  let made = 0;
  let skipped = 0;
  const failures: string[] = [];
  const bar = o.quiet
    ? null
    : new cliProgress.SingleBar(
        {
          format: 'customer {bar} {percentage}% | {value}/{total} utts | ETA {eta_formatted}',
          etaBuffer: 100,
        },
        cliProgress.Presets.shades_classic,
      );
  bar?.start(plans.length, 0);
  await runPool(
    plans,
    o.jobs,
    async (p) => {
      if (await renderUtterance(p, pathOf(p), () => halves[p.split])) made++;
      else skipped++;
    },
    (p, error) => {
      if (error) failures.push(`${p.id}: ${String((error as Error).message ?? error).split('\n')[0]}`);
      bar?.increment(1);
    },
  );
  bar?.stop();
  if (failures.length)
    console.error(
      `${failures.length} utterances failed (left out):\n  ${failures.slice(0, 10).join('\n  ')}`,
    );

  const failed = new Set(failures.map((f) => f.split(':')[0]));
  const utterances = { train: 0, dev: 0, test: 0 };
  const hours = { train: 0, dev: 0, test: 0 };
  const speakers = { train: [] as string[], dev: [] as string[], test: [] as string[] };
  for (const split of SPLITS) {
    const done = plans.filter((p) => p.split === split && !failed.has(p.id));
    const rows = done.map((p) => manifestRow(p, writtenDurationS(pathOf(p))));
    writeJsonl(join(o.out, `${split}.jsonl`), rows);
    utterances[split] = rows.length;
    hours[split] = Number((rows.reduce((a, r) => a + r.duration, 0) / 3600).toFixed(4));
    speakers[split] = [...new Set(rows.map((r) => r.speaker))].sort();
    if (split === 'train') writeFileSync(join(o.out, 'text.txt'), `${done.map((p) => p.text).join('\n')}\n`);
  }
  const summary: CustomerSummary = {
    accent: o.accent,
    noise: o.noise,
    heldOutOfBase: heldOut,
    seed: o.seed,
    utterances,
    hours,
    speakers,
    snrDb: o.snrDb,
    cleanShare: o.cleanShare,
    domains: o.domains,
    made,
    skipped,
    failed: failures.length,
    seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
  };
  writeFileSync(join(o.out, 'report.json'), `${JSON.stringify(summary, null, 2)}\n`);
  log(
    SPLITS.map(
      (s) =>
        `${s.padEnd(6)} ${String(utterances[s]).padStart(5)} utts ${hours[s].toFixed(3).padStart(7)} h  ${speakers[s].length} speakers`,
    ).join('\n'),
  );
  log(`made ${made}, skipped (already there) ${skipped}, failed ${failures.length}; ${summary.seconds} s`);
  return { summary, failures };
}

export async function main(args: string[]): Promise<void> {
  try {
    const { failures } = await buildCustomerSet(parseArgs(args));
    if (failures.length) process.exitCode = 1;
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
