/**
 * Flags of `npm run finetune -- asr`: the shared training flags (optimizer, schedule, clipping,
 * seed, threads, resume, eval interval) plus what fine-tuning adds. `--out` here is the new
 * model (id or folder); checkpoints and logs go to `--work`.
 */
import { loadConfig } from '../../../server/config.ts';
import { parseSnrRange, parseSpeeds } from '../../train/asr/wave-augment.ts';
import { COMMON_TRAIN_USAGE, type CommonTrainArgs, parseCommonTrainArgs } from '../../train/lib/args.ts';
import { type AudioLimits, DEFAULT_AUDIO_LIMITS } from '../lib/manifest-check.ts';
import { FinetuneUsageError, modelIdOf, resolveModelRef } from '../lib/model-folders.ts';

export const ASR_FINETUNE_USAGE = `usage: npm run finetune -- asr --base <model id|dir> --train <manifest> --dev <manifest>
       --out <new model id|dir> [options]
  --test M[,M…]        also report before/after on these manifests (customer test, general test)
  --work DIR           checkpoints, log.jsonl, loss.html, reports (default out/finetune/<out id>)
  --force              replace an existing --out (never the base) and restart a work dir
  --noise-dir DIR      customer noise recordings (*.wav) mixed in on the fly
                       (default: the base corpus's training noises when its data dir is there)
  --snr MIN:MAX        SNR range in dB for mixing (default 0:20)
  --noise-prob P       share of utterances that get noise (default 0.5; 0 = no mixing)
  --speed LIST         speed perturbation factors (default 0.9,1,1.1; 1 = off)
  --no-spec-augment    no SpecAugment masks
  --freeze-layers N    keep the lowest N LSTM layers at the base weights
  --mix-base M         forgetting guard: mix in base training data from manifest M …
  --mix-share S        … as share S of the training set (default 0.3 with --mix-base)
  --l2-base X          forgetting guard: add (X/2)·Σ(w − w_base)² to the loss (e.g. 1e-3)
  --patience N         stop after N dev evaluations without a better dev WER (default 5; 0 = off)
  --max-seconds S      skip utterances longer than S seconds (default 20)
  --report-decoder D   beam (default: beam search + LM, as served) or greedy for before/after
defaults: --steps 2000 --batch 16 --lr 5e-4 --warmup 100 --eval-every 200 (decay cosine)
${COMMON_TRAIN_USAGE.replace(/ *--out DIR[^\n]*\n/, '')}`;

export interface AsrFinetuneOptions {
  baseDir: string;
  outDir: string;
  force: boolean;
  train: string;
  dev: string;
  tests: string[];
  mixBase?: string;
  mixShare: number;
  noiseDir?: string;
  snrDb: [number, number];
  noiseProb: number;
  speeds: number[];
  specAugment: boolean;
  freezeLayers: number;
  l2Base: number;
  patience: number;
  workDir: string;
  limits: AudioLimits;
  reportDecoder: 'beam' | 'greedy';
  loop: Omit<CommonTrainArgs, 'out' | 'rest'>;
  command: string;
  /** Tests: end the training loop after this step without exporting (an interrupted run). */
  stopAtStep?: number;
}

const EXTRA = {
  base: { type: 'string' },
  train: { type: 'string' },
  dev: { type: 'string' },
  test: { type: 'string' },
  work: { type: 'string' },
  force: { type: 'boolean' },
  'noise-dir': { type: 'string' },
  snr: { type: 'string' },
  'noise-prob': { type: 'string' },
  speed: { type: 'string' },
  'no-spec-augment': { type: 'boolean' },
  'freeze-layers': { type: 'string' },
  'mix-base': { type: 'string' },
  'mix-share': { type: 'string' },
  'l2-base': { type: 'string' },
  patience: { type: 'string' },
  'max-seconds': { type: 'string' },
  'report-decoder': { type: 'string' },
  help: { type: 'boolean' },
} as const;

function number(name: string, raw: unknown, fallback: number, ok: (v: number) => boolean): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || !ok(v)) throw new FinetuneUsageError(`--${name} ${String(raw)} is not valid`);
  return v;
}

export function parseAsrFinetuneArgs(
  args: string[],
  modelsDir = loadConfig().models.dir,
): AsrFinetuneOptions {
  const a = parseCommonTrainArgs(
    args,
    { steps: 2000, batchSize: 16, lr: 5e-4, warmup: 100, evalEvery: 200 },
    EXTRA,
  );
  const r = a.rest;
  for (const required of ['base', 'train', 'dev', 'out'])
    if (typeof r[required] !== 'string')
      throw new FinetuneUsageError(`--${required} is required\n${ASR_FINETUNE_USAGE}`);
  const baseDir = resolveModelRef(String(r.base), modelsDir);
  const outDir = resolveModelRef(String(r.out), modelsDir);
  const usage = <T>(parse: () => T): T => {
    try {
      return parse();
    } catch (err) {
      throw new FinetuneUsageError((err as Error).message);
    }
  };
  const snrDb = usage(() => parseSnrRange(String(r.snr ?? '0:20')));
  const speeds = usage(() => parseSpeeds(String(r.speed ?? '0.9,1,1.1')));
  const decoder = String(r['report-decoder'] ?? 'beam');
  if (decoder !== 'beam' && decoder !== 'greedy')
    throw new FinetuneUsageError(`--report-decoder ${decoder}: beam or greedy`);
  const mixBase = r['mix-base'] === undefined ? undefined : String(r['mix-base']);
  const mixShare = number('mix-share', r['mix-share'], mixBase ? 0.3 : 0, (v) => v >= 0 && v < 1);
  if (mixShare > 0 && !mixBase) throw new FinetuneUsageError('--mix-share needs --mix-base <manifest>');
  const { out: _out, rest: _rest, ...loop } = a;
  return {
    baseDir,
    outDir,
    force: Boolean(r.force),
    train: String(r.train),
    dev: String(r.dev),
    tests: r.test ? String(r.test).split(',').filter(Boolean) : [],
    mixBase,
    mixShare,
    noiseDir: r['noise-dir'] === undefined ? undefined : String(r['noise-dir']),
    snrDb,
    noiseProb: number('noise-prob', r['noise-prob'], 0.5, (v) => v >= 0 && v <= 1),
    speeds,
    specAugment: !r['no-spec-augment'],
    freezeLayers: number('freeze-layers', r['freeze-layers'], 0, (v) => Number.isInteger(v) && v >= 0),
    l2Base: number('l2-base', r['l2-base'], 0, (v) => v >= 0),
    patience: number('patience', r.patience, 5, (v) => Number.isInteger(v) && v >= 0),
    workDir: String(r.work ?? `out/finetune/${modelIdOf(outDir)}`),
    limits: {
      ...DEFAULT_AUDIO_LIMITS,
      maxSeconds: number('max-seconds', r['max-seconds'], DEFAULT_AUDIO_LIMITS.maxSeconds, (v) => v > 0),
    },
    reportDecoder: decoder,
    loop,
    command: `npm run finetune -- asr ${args.join(' ')}`,
  };
}
