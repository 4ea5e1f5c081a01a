/**
 * Phase 1 of `npm run train -- tts`: train the forward-sum aligner on the training utterances,
 * run MAS over every utterance (train and dev), average pitch/energy per symbol, and cache the
 * result in `<out>/alignment.json` so phase 2 (and a resumed run) never aligns again.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_MEL_CONFIG } from '../../../server/audio/log-mel.ts';
import { trainLoop } from '../lib/loop.ts';
import type { OptimizerConfig, ScheduleConfig } from '../lib/optim.ts';
import { type AlignerConfig, alignerSpec, createAligner, DEFAULT_ALIGNER } from './aligner.ts';
import { type CachedAlignment, perSymbolProsody, type TtsUtterance, toAlignerSample } from './dataset.ts';

export const ALIGNMENT_FILE = 'alignment.json';
const CACHE_VERSION = 1;

export interface AlignmentCache {
  version: number;
  aligner: AlignerConfig;
  training: { steps: number; secondsPerStep: number; lossFirst10: number; lossLast10: number };
  /** Alignment quality hints: mean frames per symbol, share of symbols given a single frame. */
  summary: { utterances: number; meanFramesPerSymbol: number; singleFrameShare: number };
  utterances: Record<string, CachedAlignment>;
}

export function readAlignmentCache(outDir: string): AlignmentCache | null {
  const path = join(outDir, ALIGNMENT_FILE);
  if (!existsSync(path)) return null;
  const c = JSON.parse(readFileSync(path, 'utf8')) as AlignmentCache;
  return c.version === CACHE_VERSION ? c : null;
}

/** True when the cache has a consistent entry (durations summing to the frames) for every utterance. */
export function cacheCovers(cache: AlignmentCache, utts: TtsUtterance[]): boolean {
  return utts.every((u) => {
    const a = cache.utterances[u.key];
    return a && a.durations.length === u.ids.length && a.durations.reduce((x, y) => x + y, 0) === u.frames;
  });
}

export interface AlignmentPhaseOptions {
  aligner: AlignerConfig;
  steps: number;
  batchSize: number;
  maxBatchFrames: number;
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
  clipNorm: number;
  threads: number;
  seed: number;
  outDir: string;
  resume: boolean;
  progress: boolean;
}

export async function runAlignmentPhase(
  train: TtsUtterance[],
  all: TtsUtterance[],
  o: AlignmentPhaseOptions,
): Promise<AlignmentCache> {
  const model = createAligner(o.aligner);
  const samples = train.map(toAlignerSample);
  const res = await trainLoop({
    model,
    spec: alignerSpec(o.aligner),
    threads: o.threads,
    train: samples,
    lengthOf: (s) => s.frames,
    batching: { batchSize: o.batchSize, maxTotalLength: o.maxBatchFrames },
    steps: o.steps,
    optimizer: o.optimizer,
    schedule: o.schedule,
    clipNorm: o.clipNorm,
    seed: o.seed,
    outDir: join(o.outDir, 'aligner'),
    resume: o.resume,
    progress: o.progress,
    title: `tts aligner (forward-sum, ${o.aligner.hidden} ch)`,
    extra: { aligner: o.aligner },
  });
  const utterances: Record<string, CachedAlignment> = {};
  let symbols = 0;
  let single = 0;
  let frames = 0;
  // Sorting by length keeps the MAS batches' padding small.
  const order = [...all].sort((a, b) => a.frames - b.frames);
  for (let i = 0; i < order.length; i += 16) {
    const batch = order.slice(i, i + 16);
    const durs = model.align(batch.map(toAlignerSample));
    batch.forEach((u, k) => {
      const d = durs[k];
      const p = perSymbolProsody(d, u.f0, u.energy);
      utterances[u.key] = {
        durations: Array.from(d),
        pitchHz: Array.from(p.pitchHz, (x) => Number(x.toFixed(2))),
        energy: Array.from(p.energy, (x) => Number(x.toFixed(4))),
      };
      symbols += d.length;
      frames += u.frames;
      for (const x of d) if (x === 1) single++;
    });
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const cache: AlignmentCache = {
    version: CACHE_VERSION,
    aligner: o.aligner,
    training: {
      steps: res.steps,
      secondsPerStep: Number(res.secondsPerStep.toFixed(3)),
      lossFirst10: Number(mean(res.history.slice(0, 10).map((r) => r.loss)).toFixed(4)),
      lossLast10: Number(mean(res.history.slice(-10).map((r) => r.loss)).toFixed(4)),
    },
    summary: {
      utterances: all.length,
      meanFramesPerSymbol: Number((frames / Math.max(1, symbols)).toFixed(3)),
      singleFrameShare: Number((single / Math.max(1, symbols)).toFixed(4)),
    },
    utterances,
  };
  writeFileSync(join(o.outDir, ALIGNMENT_FILE), JSON.stringify(cache));
  return cache;
}

export const DEFAULT_ALIGN_STEPS = 500;
export const DEFAULT_ALIGN_LR = 2e-3;

export interface AlignOrReuseOptions {
  /** Holds alignment.json and the aligner's checkpoints (`aligner/`). */
  outDir: string;
  /** Ignore a cache that covers the data and align again. */
  realign: boolean;
  /** Symbol vocabulary size (symbolSet(lang).symbols.length). */
  vocab: number;
  steps: number;
  lr: number;
  batchSize: number;
  maxBatchFrames: number;
  clipNorm: number;
  threads: number;
  seed: number;
  resume: boolean;
  progress: boolean;
  /** Prefix of the two log lines (default "phase 1"). */
  label?: string;
  log?: (s: string) => void;
}

/**
 * The alignment of `all` (train and dev), trained on `train`: the cached one when it covers every
 * utterance, else a fresh aligner run (Adam, 50 warm-up steps, cosine decay to 5% of `lr`).
 */
export async function alignOrReuse(
  train: TtsUtterance[],
  all: TtsUtterance[],
  o: AlignOrReuseOptions,
): Promise<AlignmentCache> {
  const log = o.log ?? ((s: string) => console.log(s));
  const label = o.label ?? 'phase 1';
  let cache = o.realign ? null : readAlignmentCache(o.outDir);
  if (cache && !cacheCovers(cache, all)) cache = null;
  if (cache) log(`${label}: alignment cache ${join(o.outDir, ALIGNMENT_FILE)} covers the data, reused`);
  else
    cache = await runAlignmentPhase(train, all, {
      aligner: {
        ...DEFAULT_ALIGNER,
        vocab: o.vocab,
        numMelBins: LOG_MEL_CONFIG.numMelBins,
        seed: o.seed,
      },
      steps: o.steps,
      batchSize: o.batchSize,
      maxBatchFrames: o.maxBatchFrames,
      optimizer: { kind: 'adam' },
      schedule: { lr: o.lr, warmupSteps: 50, decay: 'cosine', totalSteps: o.steps, minLr: o.lr * 0.05 },
      clipNorm: o.clipNorm,
      threads: o.threads,
      seed: o.seed,
      outDir: o.outDir,
      resume: o.resume,
      progress: o.progress,
    });
  log(`${label}: ${JSON.stringify(cache.training)} ${JSON.stringify(cache.summary)}`);
  return cache;
}
