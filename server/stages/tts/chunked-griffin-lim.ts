/**
 * Streaming Griffin-Lim: mel frames in as the acoustic model produces them, audio out in
 * chunks. Each block runs GL on its own frames plus `contextFrames` before (phase seeded from
 * the previous block, so the waveform continues) and `lookaheadFrames` after (so the block's
 * last samples are backed by a full overlap). Consecutive blocks are cross-faded over
 * `crossfadeSamples` where their phases may still disagree.
 *
 *   frames:   … | ctx | ── chunk (emitted) ── | lookahead | …
 *   samples:        [a·hop ─────────────── b·hop)  + held tail [b·hop, b·hop + fade) for the next fade
 */
import { concatSamples } from '../../audio/concat.ts';
import { istftLength, type StftConfig, StftEngine, TTS_STFT_CONFIG } from '../../audio/stft.ts';
import { griffinLim } from './griffin-lim.ts';
import type { MelInverter } from './mel-inverse.ts';

export interface ChunkedGriffinLimOptions {
  chunkFrames?: number;
  /** A smaller first block gets the first audio out sooner. */
  firstChunkFrames?: number;
  contextFrames?: number;
  lookaheadFrames?: number;
  crossfadeSamples?: number;
  iterations?: number;
  momentum?: number;
  cfg?: StftConfig;
}

export class ChunkedGriffinLim {
  private readonly opts: Required<Omit<ChunkedGriffinLimOptions, 'cfg'>>;
  private readonly cfg: StftConfig;
  private readonly engine: StftEngine;
  private readonly bins: number;
  /** Magnitude frames from `baseFrame` on. */
  private mags: Float32Array[] = [];
  /** Phase estimates from the last block, by absolute frame index. */
  private phases = new Map<number, Float32Array>();
  private baseFrame = 0;
  private totalFrames = 0;
  /** First frame not yet emitted (a). */
  private nextFrame = 0;
  private tail: Float32Array | null = null;
  private samplesOut = 0;

  constructor(
    private readonly inverter: MelInverter,
    opts: ChunkedGriffinLimOptions = {},
  ) {
    this.cfg = opts.cfg ?? TTS_STFT_CONFIG;
    this.engine = new StftEngine(this.cfg);
    this.bins = this.engine.bins;
    this.opts = {
      // Later blocks are larger: context + look-ahead cost 16 frames per block, 1.25× the
      // frames at 64 against 1.5× at 32, and only the first block sets the latency.
      chunkFrames: opts.chunkFrames ?? 64,
      firstChunkFrames: opts.firstChunkFrames ?? opts.chunkFrames ?? 16,
      contextFrames: opts.contextFrames ?? 8,
      lookaheadFrames: opts.lookaheadFrames ?? 8,
      crossfadeSamples: opts.crossfadeSamples ?? 2 * this.cfg.hopSamples,
      iterations: opts.iterations ?? 32,
      momentum: opts.momentum ?? 0.99,
    };
    const hop = this.cfg.hopSamples;
    if (this.opts.lookaheadFrames * hop < this.opts.crossfadeSamples + this.cfg.windowSamples) {
      throw new Error('lookahead must cover the crossfade plus one window');
    }
    if (this.opts.contextFrames * hop < this.cfg.windowSamples)
      throw new Error('context must cover one window');
  }

  /** Adds log-mel frames (frames × numMel, frame-major); returns the audio that became final. */
  push(logMel: Float32Array, frames: number): Float32Array {
    const mag = this.inverter.logMelToMagnitude(logMel, frames);
    for (let t = 0; t < frames; t++) this.mags.push(mag.subarray(t * this.bins, (t + 1) * this.bins));
    this.totalFrames += frames;
    const out: Float32Array[] = [];
    for (;;) {
      const size = this.nextFrame === 0 ? this.opts.firstChunkFrames : this.opts.chunkFrames;
      if (this.totalFrames < this.nextFrame + size + this.opts.lookaheadFrames) break;
      out.push(this.runBlock(this.nextFrame + size, false));
    }
    return out.length === 1 ? out[0] : concatSamples(out);
  }

  /** Vocodes every remaining frame and returns the rest of the utterance. */
  flush(): Float32Array {
    const out =
      this.nextFrame < this.totalFrames || this.tail
        ? this.runBlock(this.totalFrames, true)
        : new Float32Array(0);
    this.reset();
    return out;
  }

  reset(): void {
    this.mags = [];
    this.phases.clear();
    this.baseFrame = 0;
    this.totalFrames = 0;
    this.nextFrame = 0;
    this.tail = null;
    this.samplesOut = 0;
  }

  /** Runs GL for frames [a − ctx, b + lookahead) and emits samples [a·hop, b·hop) (to the end when final). */
  private runBlock(b: number, final: boolean): Float32Array {
    const { contextFrames, lookaheadFrames, crossfadeSamples: fade } = this.opts;
    const hop = this.cfg.hopSamples;
    const bins = this.bins;
    const a = this.nextFrame;
    const first = Math.max(0, a - contextFrames);
    const last = final ? this.totalFrames : Math.min(this.totalFrames, b + lookaheadFrames);
    const frames = last - first;
    const mag = new Float32Array(frames * bins);
    const phase = new Float32Array(frames * bins);
    for (let t = first; t < last; t++) {
      mag.set(this.mags[t - this.baseFrame], (t - first) * bins);
      const p = this.phases.get(t);
      if (p) phase.set(p, (t - first) * bins);
    }
    const result = griffinLim(mag, frames, {
      iterations: this.opts.iterations,
      momentum: this.opts.momentum,
      cfg: this.cfg,
      initialPhase: phase,
      engine: this.engine,
    });
    this.phases.clear();
    for (let t = first; t < last; t++) {
      this.phases.set(t, result.phase.slice((t - first) * bins, (t - first + 1) * bins));
    }
    // Block audio sample 0 is absolute sample first·hop.
    const offset = first * hop;
    const start = a * hop;
    const end = final ? istftLength(this.totalFrames, this.cfg) : b * hop;
    const out = result.audio.slice(start - offset, end - offset);
    if (this.tail) {
      const n = Math.min(this.tail.length, out.length);
      for (let i = 0; i < n; i++) {
        const w = (i + 0.5) / n; // linear fade, equal gain at the middle
        out[i] = (1 - w) * this.tail[i] + w * out[i];
      }
    }
    this.tail = final ? null : result.audio.slice(end - offset, end - offset + fade);
    this.nextFrame = b;
    // Frames before the next block's context are no longer needed.
    const keepFrom = Math.max(0, b - contextFrames);
    this.mags.splice(0, keepFrom - this.baseFrame);
    this.baseFrame = keepFrom;
    this.samplesOut += out.length;
    return out;
  }
}
