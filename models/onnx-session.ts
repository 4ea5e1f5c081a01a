/**
 * The only module in tolk that imports onnxruntime-node. Everything else loads models through
 * `OnnxSessionCache` / `loadOnnxModel` and builds tensors with the helpers below, so the runtime
 * (and its execution providers) can change in one place.
 *
 * - Execution providers come from config (TOLK_ORT_PROVIDERS, e.g. "cuda,cpu"); when an
 *   accelerated provider fails to initialize, the model is loaded on CPU with a warning.
 * - A session is loaded once per file and shared by every stream: ORT's `run` is safe to call
 *   concurrently, and batching streams (stacking their states) is the caller's choice.
 * - `run` is ORT's async run: inference happens on ORT's threads, not the event loop.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Config } from '../server/config.ts';
import { PipelineError } from '../server/errors.ts';

export type OnnxTensor = ort.Tensor;
export type GraphOptimization = 'disabled' | 'basic' | 'extended' | 'all';

export interface OnnxRuntimeOptions {
  /** In preference order, e.g. ['cuda', 'cpu']. 'cpu' is always the last resort. */
  executionProviders: readonly string[];
  /** Threads inside one operator; 0 lets ORT choose (all cores). */
  intraOpThreads?: number;
  /** Threads across independent operators (only used with parallel execution); 0 = ORT default. */
  interOpThreads?: number;
  graphOptimization?: GraphOptimization;
  /** Receives the CPU fall-back warning; defaults to console.warn. */
  logger?: { warn(message: string): void };
}

export interface ValueInfo {
  name: string;
  type: string;
  /** Numbers for fixed dims, strings for symbolic ones ('batch', 'time'). */
  shape: readonly (number | string)[];
}

export function runtimeOptionsFromConfig(models: Config['models']): OnnxRuntimeOptions {
  return { executionProviders: models.executionProviders, intraOpThreads: models.intraOpThreads };
}

// ---------------------------------------------------------------------------------------------
// Tensors

export function float32Tensor(data: Float32Array | readonly number[], dims: readonly number[]): OnnxTensor {
  return new ort.Tensor('float32', data instanceof Float32Array ? data : Float32Array.from(data), dims);
}

export function int64Tensor(data: BigInt64Array | readonly number[], dims: readonly number[]): OnnxTensor {
  return new ort.Tensor(
    'int64',
    data instanceof BigInt64Array ? data : BigInt64Array.from(data, BigInt),
    dims,
  );
}

export function int32Tensor(data: Int32Array | readonly number[], dims: readonly number[]): OnnxTensor {
  return new ort.Tensor('int32', data instanceof Int32Array ? data : Int32Array.from(data), dims);
}

export function zerosFloat32(dims: readonly number[]): OnnxTensor {
  return float32Tensor(new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
}

/** Stacks equally shaped per-stream rows (e.g. each stream's LSTM state) into [n, ...rowDims]. */
export function stackFloat32(rows: readonly Float32Array[], rowDims: readonly number[]): OnnxTensor {
  const rowSize = rowDims.reduce((a, b) => a * b, 1);
  const out = new Float32Array(rows.length * rowSize);
  rows.forEach((row, i) => {
    if (row.length !== rowSize) throw new Error(`row ${i} has ${row.length} values, expected ${rowSize}`);
    out.set(row, i * rowSize);
  });
  return float32Tensor(out, [rows.length, ...rowDims]);
}

/** Splits a [n, ...] float tensor into n rows (copies, so they outlive the output tensor). */
export function unstackFloat32(t: OnnxTensor): Float32Array[] {
  const data = t.data as Float32Array;
  const n = t.dims[0];
  const rowSize = n ? data.length / n : 0;
  return Array.from({ length: n }, (_, i) => data.slice(i * rowSize, (i + 1) * rowSize));
}

// ---------------------------------------------------------------------------------------------
// Sessions

function valueInfos(meta: readonly ort.InferenceSession.ValueMetadata[]): ValueInfo[] {
  return meta.map((m) =>
    m.isTensor
      ? { name: m.name, type: m.type, shape: [...m.shape] }
      : { name: m.name, type: 'non-tensor', shape: [] },
  );
}

/** One loaded model. Shared by all streams; call `release` only when no stream uses it. */
export class OnnxModel {
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];

  constructor(
    readonly path: string,
    /** The providers the session was actually created with. */
    readonly executionProviders: readonly string[],
    private readonly session: ort.InferenceSession,
  ) {
    this.inputs = valueInfos(session.inputMetadata);
    this.outputs = valueInfos(session.outputMetadata);
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /** Runs the graph; a failure becomes a recoverable PipelineError('stage_failed', 'models'). */
  async run(
    feeds: Record<string, OnnxTensor>,
    outputNames?: readonly string[],
  ): Promise<Record<string, OnnxTensor>> {
    try {
      return outputNames ? await this.session.run(feeds, outputNames) : await this.session.run(feeds);
    } catch (err) {
      const message = `inference failed for ${this.path}: ${err instanceof Error ? err.message : String(err)}`;
      throw new PipelineError('stage_failed', 'models', { message, cause: err });
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

function sessionOptions(
  opts: OnnxRuntimeOptions,
  providers: readonly string[],
): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [...providers],
    intraOpNumThreads: opts.intraOpThreads ?? 0,
    interOpNumThreads: opts.interOpThreads ?? 0,
    graphOptimizationLevel: opts.graphOptimization ?? 'all',
  };
}

function loadFailed(path: string, detail: string, cause?: unknown): PipelineError {
  return new PipelineError('model_load_failed', 'models', {
    message: `cannot load ONNX model ${path}: ${detail}`,
    recoverable: false,
    cause,
  });
}

/** Loads one model file; a missing or corrupt file gives PipelineError('model_load_failed'). */
export async function loadOnnxModel(path: string, opts: OnnxRuntimeOptions): Promise<OnnxModel> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw loadFailed(
      path,
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(err),
      err,
    );
  }
  const requested = opts.executionProviders.length ? opts.executionProviders : ['cpu'];
  try {
    return new OnnxModel(
      path,
      requested,
      await ort.InferenceSession.create(bytes, sessionOptions(opts, requested)),
    );
  } catch (err) {
    const accelerated = requested.some((p) => p !== 'cpu');
    if (!accelerated) throw loadFailed(path, err instanceof Error ? err.message : String(err), err);
    const reason = err instanceof Error ? err.message : String(err);
    (opts.logger ?? console).warn(
      `onnx: execution providers [${requested.join(', ')}] failed for ${path} (${reason}); falling back to cpu`,
    );
  }
  try {
    return new OnnxModel(
      path,
      ['cpu'],
      await ort.InferenceSession.create(bytes, sessionOptions(opts, ['cpu'])),
    );
  } catch (err) {
    throw loadFailed(path, err instanceof Error ? err.message : String(err), err);
  }
}

/**
 * Loads each model file once and hands the same OnnxModel to every caller (concurrent `get`s
 * of one path share one load). `dispose` releases all sessions at shutdown.
 */
export class OnnxSessionCache {
  private readonly models = new Map<string, Promise<OnnxModel>>();

  constructor(private readonly opts: OnnxRuntimeOptions) {}

  get(path: string): Promise<OnnxModel> {
    const key = resolve(path);
    let pending = this.models.get(key);
    if (!pending) {
      pending = loadOnnxModel(key, this.opts);
      // A failed load is not cached, so a fixed file can be loaded on the next call.
      const mine = pending;
      mine.catch(() => {
        if (this.models.get(key) === mine) this.models.delete(key);
      });
      this.models.set(key, pending);
    }
    return pending;
  }

  get size(): number {
    return this.models.size;
  }

  async release(path: string): Promise<void> {
    const key = resolve(path);
    const pending = this.models.get(key);
    this.models.delete(key);
    if (pending) await (await pending.catch(() => null))?.release();
  }

  async dispose(): Promise<void> {
    const all = [...this.models.values()];
    this.models.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => null))?.release()));
  }
}
