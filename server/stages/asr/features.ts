/**
 * The recognizer's input features, shared by training and serving so both see the same numbers:
 * 16 kHz audio → 80-band log-mel (25 ms / 10 ms) → per-band normalization → stacking of `stack`
 * consecutive frames into one (×4 subsampling: 40 ms per acoustic frame, 320 values).
 *
 * Normalization is either `causal` (running stats seeded with the training set's global stats,
 * reset per utterance) or `global` (the training set's stats, fixed). Causal stats are pulled
 * far off by what precedes speech — one second of digital silence before an utterance took the
 * causal asr-en (its third run) from 34 % to 80 % WER on training utterances — so new models use
 * `global` and learn level invariance from gain augmentation instead. Cards without the field
 * are causal (the models trained before it).
 *
 * `AsrFeatureStream` is the streaming form; `asrFeatures` runs the same code on a whole
 * utterance, so streaming output equals batch output frame for frame.
 */
import { LOG_MEL_CONFIG, StreamingLogMel } from '../../audio/log-mel.ts';
import { CausalNormalizer, GlobalNormalizer, type MelStats } from '../../audio/mel-normalize.ts';

export interface AsrFeatureConfig {
  numMelBins: number;
  hopMs: number;
  /** Log-mel frames stacked into one acoustic frame. */
  stack: number;
  /** Pseudo-frames the global prior is worth in the causal normalizer. */
  priorFrames: number;
  /** How log-mel bands are normalized; absent = 'causal'. */
  normalization?: FeatureNormalization;
  /** Global per-band stats of the training set (JSON-friendly arrays). */
  mean: number[];
  variance: number[];
}

export type FeatureNormalization = 'causal' | 'global';

export const DEFAULT_STACK = 4;
export const DEFAULT_PRIOR_FRAMES = 100;

export function acousticFrameMs(cfg: AsrFeatureConfig): number {
  return cfg.hopMs * cfg.stack;
}

export function stackedDim(cfg: AsrFeatureConfig): number {
  return cfg.numMelBins * cfg.stack;
}

function statsOf(cfg: AsrFeatureConfig): MelStats {
  return { mean: Float64Array.from(cfg.mean), variance: Float64Array.from(cfg.variance), frames: 0 };
}

/** Streaming featurizer for one utterance at a time: push 16 kHz samples, get stacked frames. */
export class AsrFeatureStream {
  private readonly mel = new StreamingLogMel(LOG_MEL_CONFIG);
  private readonly normalizer: CausalNormalizer | GlobalNormalizer;
  /** Normalized log-mel frames not yet stacked (fewer than `stack`). */
  private pending: Float32Array;
  private pendingFrames = 0;

  constructor(private readonly cfg: AsrFeatureConfig) {
    if (cfg.numMelBins !== LOG_MEL_CONFIG.numMelBins) {
      throw new Error(
        `feature config wants ${cfg.numMelBins} mel bins, log-mel gives ${LOG_MEL_CONFIG.numMelBins}`,
      );
    }
    this.normalizer =
      cfg.normalization === 'global'
        ? new GlobalNormalizer(statsOf(cfg))
        : new CausalNormalizer(statsOf(cfg), cfg.priorFrames);
    this.pending = new Float32Array(cfg.numMelBins * cfg.stack);
  }

  /** Returns row-major [frames, numMelBins·stack] for every acoustic frame that became complete. */
  push(samples: Float32Array): { data: Float32Array; frames: number } {
    return this.stackFrames(this.mel.push(samples).data);
  }

  /** Ends the utterance: pads the last log-mel frames (zero audio) and drops a partial stack. */
  flush(): { data: Float32Array; frames: number } {
    const out = this.stackFrames(this.mel.flush().data);
    this.reset();
    return out;
  }

  reset(): void {
    this.mel.reset();
    this.normalizer.reset();
    this.pendingFrames = 0;
  }

  private stackFrames(melData: Float32Array): { data: Float32Array; frames: number } {
    const bins = this.cfg.numMelBins;
    const stack = this.cfg.stack;
    this.normalizer.apply(melData);
    // Pending frames and the new ones form one frame-major run; whole stacks go out, the rest waits.
    const run = new Float32Array(this.pendingFrames * bins + melData.length);
    run.set(this.pending.subarray(0, this.pendingFrames * bins), 0);
    run.set(melData, this.pendingFrames * bins);
    const runFrames = run.length / bins;
    const frames = Math.floor(runFrames / stack);
    const used = frames * stack * bins;
    this.pending.set(run.subarray(used), 0);
    this.pendingFrames = runFrames - frames * stack;
    return { data: run.slice(0, used), frames };
  }
}

/** Whole-utterance features: exactly what AsrFeatureStream gives for the same audio. */
export function asrFeatures(
  samples: Float32Array,
  cfg: AsrFeatureConfig,
): { data: Float32Array; frames: number } {
  const stream = new AsrFeatureStream(cfg);
  const head = stream.push(samples);
  const tail = stream.flush();
  const data = new Float32Array(head.data.length + tail.data.length);
  data.set(head.data, 0);
  data.set(tail.data, head.data.length);
  return { data, frames: head.frames + tail.frames };
}
