/**
 * The streaming acoustic model as served: `model.onnx` from scripts/export/sequential.ts
 * (input [batch, time, features] + per-layer LSTM states in, logits [batch, time, vocab] +
 * states out). One `run` call advances many streams; their states are stacked along the batch
 * axis, so N sessions cost one ORT call instead of N.
 *
 * Streams with different chunk lengths cannot share a call: padding a short chunk would run
 * the LSTM over the padded frames and corrupt its state. `run` therefore groups streams by
 * frame count and makes one ORT call per group (in steady state every chunk has the same
 * length, so there is one group; only utterance-final flushes differ).
 */
import {
  float32Tensor,
  type OnnxModel,
  type OnnxSessionCache,
  type OnnxTensor,
  stackFloat32,
  unstackFloat32,
} from '../../../models/onnx-session.ts';
import { PipelineError } from '../../errors.ts';
import type { LogProbMatrix } from './ctc-types.ts';

/** One stream's recurrent state: one row per graph state input, in `stateInputs` order. */
export type AcousticState = readonly Float32Array[];

export interface AcousticChunk {
  /** Row-major [frames, inputSize] stacked features. */
  features: Float32Array;
  frames: number;
}

export interface AcousticResult {
  /** Per stream, natural-log softmax over the vocabulary, [frames × vocab]. */
  logProbs: LogProbMatrix[];
  states: AcousticState[];
}

/** What the batcher and engine need: AcousticModel (this thread) or AcousticWorker. */
export interface AcousticRunner {
  readonly inputSize: number;
  readonly vocabSize: number;
  readonly stateUnits: readonly number[];
  initialState(): AcousticState;
  run(chunks: readonly AcousticChunk[], states: readonly AcousticState[]): Promise<AcousticResult>;
}

interface StateIo {
  input: string;
  output: string;
  units: number;
}

const STATE_INPUT = /^state_([hc])_in_(\d+)$/;

function badModel(path: string, detail: string): PipelineError {
  return new PipelineError('model_load_failed', 'models', {
    message: `${path} is not a streaming ASR graph: ${detail}`,
    recoverable: false,
  });
}

export class AcousticModel implements AcousticRunner {
  private constructor(
    private readonly model: OnnxModel,
    readonly inputSize: number,
    readonly vocabSize: number,
    private readonly states: readonly StateIo[],
  ) {}

  /** Loads (or reuses, through the cache) the graph and checks its I/O against the card. */
  static async load(
    path: string,
    sessions: OnnxSessionCache,
    expect: { inputSize: number; vocabSize: number },
  ): Promise<AcousticModel> {
    const model = await sessions.get(path);
    const input = model.inputs.find((i) => i.name === 'input');
    if (!input) throw badModel(path, 'no input named "input"');
    if (typeof input.shape[2] === 'number' && input.shape[2] !== expect.inputSize)
      throw badModel(path, `input has ${input.shape[2]} features, model.json says ${expect.inputSize}`);
    const output = model.outputs.find((o) => o.name === 'output');
    if (!output) throw badModel(path, 'no output named "output"');
    if (typeof output.shape[2] === 'number' && output.shape[2] !== expect.vocabSize)
      throw badModel(path, `output has ${output.shape[2]} classes, the vocabulary has ${expect.vocabSize}`);
    const states: StateIo[] = [];
    for (const i of model.inputs) {
      const m = STATE_INPUT.exec(i.name);
      if (!m) continue;
      const units = i.shape[1];
      if (typeof units !== 'number') throw badModel(path, `${i.name} has no fixed unit count`);
      const out = `state_${m[1]}_out_${m[2]}`;
      if (!model.outputNames.includes(out)) throw badModel(path, `${i.name} has no matching ${out}`);
      states.push({ input: i.name, output: out, units });
    }
    return new AcousticModel(model, expect.inputSize, expect.vocabSize, states);
  }

  /** Zero state: what every utterance starts from (as in training). */
  initialState(): AcousticState {
    return this.states.map((s) => new Float32Array(s.units));
  }

  /** Names and sizes of the recurrent states (for reports). */
  get stateUnits(): readonly number[] {
    return this.states.map((s) => s.units);
  }

  /**
   * Advances every stream by its chunk. Streams with equal frame counts share one ORT call;
   * a chunk of 0 frames returns no log-probs and leaves its state as it was.
   */
  async run(chunks: readonly AcousticChunk[], states: readonly AcousticState[]): Promise<AcousticResult> {
    if (chunks.length !== states.length)
      throw new RangeError(`${chunks.length} chunks but ${states.length} states`);
    const logProbs: LogProbMatrix[] = new Array(chunks.length);
    const next: AcousticState[] = new Array(chunks.length);
    const groups = new Map<number, number[]>();
    chunks.forEach((c, i) => {
      if (c.features.length < c.frames * this.inputSize)
        throw new RangeError(`chunk ${i}: ${c.features.length} values for ${c.frames} frames`);
      if (c.frames === 0) {
        logProbs[i] = { data: new Float32Array(0), frames: 0, vocabSize: this.vocabSize };
        next[i] = states[i];
        return;
      }
      let g = groups.get(c.frames);
      if (!g) groups.set(c.frames, (g = []));
      g.push(i);
    });
    // One group at a time: ORT already uses every core inside a call.
    for (const [frames, members] of groups) {
      const out = await this.runGroup(
        frames,
        members.map((i) => chunks[i]),
        members.map((i) => states[i]),
      );
      members.forEach((i, j) => {
        logProbs[i] = out.logProbs[j];
        next[i] = out.states[j];
      });
    }
    return { logProbs, states: next };
  }

  private async runGroup(
    frames: number,
    chunks: readonly AcousticChunk[],
    states: readonly AcousticState[],
  ): Promise<AcousticResult> {
    const n = chunks.length;
    const rowSize = frames * this.inputSize;
    const input = new Float32Array(n * rowSize);
    chunks.forEach((c, i) => {
      input.set(c.features.subarray(0, rowSize), i * rowSize);
    });
    const feeds: Record<string, OnnxTensor> = { input: float32Tensor(input, [n, frames, this.inputSize]) };
    this.states.forEach((s, k) => {
      feeds[s.input] = stackFloat32(
        states.map((st) => st[k]),
        [s.units],
      );
    });
    const out = await this.model.run(feeds);
    const logits = out.output.data as Float32Array;
    const rows = this.states.map((s) => unstackFloat32(out[s.output]));
    const perStream = frames * this.vocabSize;
    return {
      logProbs: Array.from({ length: n }, (_, i) => ({
        data: logSoftmaxRows(logits.subarray(i * perStream, (i + 1) * perStream), this.vocabSize),
        frames,
        vocabSize: this.vocabSize,
      })),
      states: Array.from({ length: n }, (_, i) => rows.map((r) => r[i])),
    };
  }
}

/** Row-wise natural-log softmax into a new array (the decoders want log-probs, not logits). */
export function logSoftmaxRows(logits: Float32Array, width: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let r = 0; r < logits.length; r += width) {
    let max = Number.NEGATIVE_INFINITY;
    for (let v = 0; v < width; v++) max = Math.max(max, logits[r + v]);
    let sum = 0;
    for (let v = 0; v < width; v++) sum += Math.exp(logits[r + v] - max);
    const lse = max + Math.log(sum);
    for (let v = 0; v < width; v++) out[r + v] = logits[r + v] - lse;
  }
  return out;
}
