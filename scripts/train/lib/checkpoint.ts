/**
 * Checkpoints: `state.json` (step, data position, optimizer counters, history, tensor index)
 * + `weights.bin` (all float32 tensors back to back: parameters, then optimizer slots).
 * Written to a temporary folder and renamed, so a crash mid-write never leaves a torn one.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NamedWeight, WeightMap } from './params.ts';

export interface TensorEntry {
  name: string;
  shape: number[];
  /** Offset in float32 elements into weights.bin. */
  offset: number;
}

export interface CheckpointMeta {
  version: 1;
  step: number;
  /** Data position: the next batch is index `batchIndex` of epoch `epoch`'s plan. */
  epoch: number;
  batchIndex: number;
  seed: number;
  optimizerUpdates: number;
  best?: { metric: number; step: number };
  /** Per-step training records so far (the loss curve survives a resume). */
  history: StepRecord[];
  evals: EvalRecord[];
  /** Free-form (model config, command line) for humans and export. */
  extra?: Record<string, unknown>;
}

export interface StepRecord {
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
  ms: number;
}

export interface EvalRecord {
  step: number;
  metrics: Record<string, number>;
}

export interface Checkpoint {
  meta: CheckpointMeta;
  params: WeightMap;
  slots: WeightMap;
}

export function saveCheckpoint(dir: string, ck: Checkpoint): void {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const index: { params: TensorEntry[]; slots: TensorEntry[] } = { params: [], slots: [] };
  const all: NamedWeight[] = [];
  let offset = 0;
  for (const [kind, map] of [
    ['params', ck.params],
    ['slots', ck.slots],
  ] as const) {
    for (const [name, w] of map) {
      index[kind].push({ name, shape: w.shape, offset });
      all.push(w);
      offset += w.data.length;
    }
  }
  const buf = new Float32Array(offset);
  let o = 0;
  for (const w of all) {
    buf.set(w.data, o);
    o += w.data.length;
  }
  writeFileSync(join(tmp, 'weights.bin'), new Uint8Array(buf.buffer));
  writeFileSync(join(tmp, 'state.json'), `${JSON.stringify({ ...ck.meta, tensors: index }, null, 1)}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}

export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, 'state.json')) && existsSync(join(dir, 'weights.bin'));
}

export function loadCheckpoint(dir: string): Checkpoint {
  const raw = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as CheckpointMeta & {
    tensors: { params: TensorEntry[]; slots: TensorEntry[] };
  };
  const bytes = readFileSync(join(dir, 'weights.bin'));
  // Copy into an aligned buffer: Buffer slices may start at an odd offset.
  const all = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(all.buffer).set(bytes);
  const read = (entries: TensorEntry[]): WeightMap => {
    const m: WeightMap = new Map();
    for (const e of entries) {
      const n = e.shape.reduce((a, b) => a * b, 1);
      m.set(e.name, { data: all.slice(e.offset, e.offset + n), shape: e.shape });
    }
    return m;
  };
  const { tensors, ...meta } = raw;
  return { meta, params: read(tensors.params), slots: read(tensors.slots) };
}

/** Weights only (e.g. the best checkpoint for export). */
export function loadCheckpointWeights(dir: string): WeightMap {
  return loadCheckpoint(dir).params;
}
