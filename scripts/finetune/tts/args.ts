/**
 * Flags of `npm run finetune -- tts`: the shared training flags plus what adapting a voice adds.
 * `--out` is the new model (id or folder); checkpoints, the alignment and logs go to `--work`.
 * Defaults are sized for 10–30 minutes of one speaker (~170–500 utterances, 11–32 batches of 16
 * an epoch): 600 steps is 20–55 epochs at ~1 s/step on 2 threads (about 10 minutes), at a
 * third of the base training's peak learning rate; early stopping ends it when dev stops
 * improving, which on the small end comes well before 600.
 */
import { loadConfig } from '../../../server/config.ts';
import { COMMON_TRAIN_USAGE, type CommonTrainArgs, parseCommonTrainArgs } from '../../train/lib/args.ts';
import { DEFAULT_ALIGN_LR } from '../../train/tts/alignment-phase.ts';
import { type AudioLimits, DEFAULT_AUDIO_LIMITS } from '../lib/manifest-check.ts';
import { FinetuneUsageError, modelIdOf, resolveModelRef } from '../lib/model-folders.ts';

export const TTS_FINETUNE_USAGE = `usage: npm run finetune -- tts --base <tts-en|tts-es id or dir> --train <manifest> --dev <manifest>
       --out <new model id|dir> [options]
  --test M[,M…]        also report before/after on these manifests (the speaker's held-out recordings)
  --work DIR           checkpoints, alignment.json, log.jsonl, loss.html, reports, listening pages
                       (default out/finetune/<out id>)
  --force              replace an existing --out (never the base) and restart a work dir
  --freeze-encoder     keep the text encoder (symbol embedding + encoder blocks) at the base weights;
                       predictors and decoder still adapt
  --align-steps N      aligner steps on the new speaker's audio (default 400); --align-lr X (default ${DEFAULT_ALIGN_LR})
  --realign            align again even when the work dir's alignment covers the data
  --batch-frames N     cap on Σ frames per batch (default 400 × --batch)
  --max-seconds S      skip utterances longer than S seconds (default 12)
  --patience N         stop after N dev evaluations without a better dev mel L1 (default 4; 0 = off)
  --eval-limit N       sentences per set in the before/after synthesis (default 50)
  --gl-iters N         Griffin-Lim iterations when synthesizing for MCD (default: TOLK_TTS_GL_ITERS)
  --roundtrip          also round-trip WER: pocketsphinx (English) and the project's asr-<lang>
  --measure-only       no training: measure the finished --out against --base again on --dev/--test
                       (the before/after only; --train not needed) and rewrite its reports and card
defaults: --steps 600 --batch 16 --lr 3e-4 --warmup 50 --eval-every 100 (decay cosine)
${COMMON_TRAIN_USAGE.replace(/ *--out DIR[^\n]*\n/, '')}`;

export interface TtsFinetuneOptions {
  baseDir: string;
  outDir: string;
  force: boolean;
  train: string;
  dev: string;
  tests: string[];
  workDir: string;
  freezeEncoder: boolean;
  alignSteps: number;
  alignLr: number;
  realign: boolean;
  batchFrames: number;
  limits: AudioLimits;
  patience: number;
  evalLimit: number;
  glIterations: number;
  roundtrip: boolean;
  /** Re-measure the published --out against --base; no training, no export. */
  measureOnly: boolean;
  /** The models dir (round-trip recognizer asr-<lang>). */
  modelsDir: string;
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
  'freeze-encoder': { type: 'boolean' },
  'align-steps': { type: 'string' },
  'align-lr': { type: 'string' },
  realign: { type: 'boolean' },
  'batch-frames': { type: 'string' },
  'max-seconds': { type: 'string' },
  patience: { type: 'string' },
  'eval-limit': { type: 'string' },
  'gl-iters': { type: 'string' },
  roundtrip: { type: 'boolean' },
  'measure-only': { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

function number(name: string, raw: unknown, fallback: number, ok: (v: number) => boolean): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || !ok(v)) throw new FinetuneUsageError(`--${name} ${String(raw)} is not valid`);
  return v;
}

const wholeAtLeast = (min: number) => (v: number) => Number.isInteger(v) && v >= min;

export function parseTtsFinetuneArgs(args: string[], modelsDir?: string): TtsFinetuneOptions {
  const config = loadConfig();
  const models = modelsDir ?? config.models.dir;
  const a = parseCommonTrainArgs(
    args,
    { steps: 600, batchSize: 16, lr: 3e-4, warmup: 50, evalEvery: 100 },
    EXTRA,
  );
  const r = a.rest;
  const measureOnly = Boolean(r['measure-only']);
  for (const required of measureOnly ? ['base', 'dev', 'out'] : ['base', 'train', 'dev', 'out'])
    if (typeof r[required] !== 'string')
      throw new FinetuneUsageError(`--${required} is required\n${TTS_FINETUNE_USAGE}`);
  const baseDir = resolveModelRef(String(r.base), models);
  const outDir = resolveModelRef(String(r.out), models);
  const { out: _out, rest: _rest, ...loop } = a;
  return {
    baseDir,
    outDir,
    force: Boolean(r.force),
    train: measureOnly && r.train === undefined ? '' : String(r.train),
    dev: String(r.dev),
    tests: r.test ? String(r.test).split(',').filter(Boolean) : [],
    workDir: String(r.work ?? `out/finetune/${modelIdOf(outDir)}`),
    freezeEncoder: Boolean(r['freeze-encoder']),
    alignSteps: number('align-steps', r['align-steps'], 400, wholeAtLeast(1)),
    alignLr: number('align-lr', r['align-lr'], DEFAULT_ALIGN_LR, (v) => v > 0),
    realign: Boolean(r.realign),
    batchFrames: number('batch-frames', r['batch-frames'], 400 * a.batchSize, wholeAtLeast(1)),
    limits: {
      ...DEFAULT_AUDIO_LIMITS,
      maxSeconds: number('max-seconds', r['max-seconds'], 12, (v) => v > 0),
    },
    patience: number('patience', r.patience, 4, wholeAtLeast(0)),
    evalLimit: number('eval-limit', r['eval-limit'], 50, wholeAtLeast(1)),
    glIterations: number('gl-iters', r['gl-iters'], config.tts.griffinLimIterations, wholeAtLeast(1)),
    roundtrip: Boolean(r.roundtrip),
    measureOnly,
    modelsDir: models,
    loop,
    command: `npm run finetune -- tts ${args.join(' ')}`,
  };
}
