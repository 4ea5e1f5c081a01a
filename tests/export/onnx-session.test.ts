/** models/onnx-session: load errors, provider fall-back, shared sessions, batch helpers. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  float32Tensor,
  loadOnnxModel,
  OnnxSessionCache,
  runtimeOptionsFromConfig,
  stackFloat32,
  unstackFloat32,
} from '../../models/onnx-session.ts';
import { OnnxGraphBuilder } from '../../scripts/export/graph-builder.ts';
import { loadConfig } from '../../server/config.ts';
import { PipelineError } from '../../server/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'tolk-session-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function reluModel(): string {
  const b = new OnnxGraphBuilder('relu');
  b.output('y', b.node('Relu', [b.input('x', 'float32', ['batch', 3])]), 'float32', ['batch', 3]);
  const path = join(dir, 'relu.onnx');
  writeFileSync(path, b.toBytes());
  return path;
}

const cpu = { executionProviders: ['cpu'], intraOpThreads: 1 };

describe('onnx-session', () => {
  it('missing file → PipelineError model_load_failed', async () => {
    const err = await loadOnnxModel(join(dir, 'nope', 'model.onnx'), cpu).catch((e) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect(err.code).toBe('model_load_failed');
    expect(err.stage).toBe('models');
    expect(err.message).toMatch(/file not found/);
  });

  it('corrupt file → PipelineError model_load_failed', async () => {
    const path = join(dir, 'corrupt.onnx');
    writeFileSync(path, Buffer.from('this is not a protobuf'));
    const err = await loadOnnxModel(path, cpu).catch((e) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect(err.code).toBe('model_load_failed');
  });

  it('providers from config; a provider that cannot start falls back to cpu with a warning', async () => {
    const opts = runtimeOptionsFromConfig(loadConfig({ TOLK_ORT_PROVIDERS: 'cuda,cpu' }).models);
    expect(opts.executionProviders).toEqual(['cuda', 'cpu']);
    const warnings: string[] = [];
    const model = await loadOnnxModel(reluModel(), { ...opts, logger: { warn: (m) => warnings.push(m) } });
    // On a CUDA host the session starts on cuda and nothing is logged; here it falls back.
    if (warnings.length) {
      expect(model.executionProviders).toEqual(['cpu']);
      expect(warnings[0]).toMatch(/falling back to cpu/);
    } else {
      expect(model.executionProviders).toEqual(['cuda', 'cpu']);
    }
    const out = await model.run({ x: float32Tensor([-1, 2, -3], [1, 3]) });
    expect(Array.from(out.y.data as Float32Array)).toEqual([0, 2, 0]);
    await model.release();
  });

  it('shares one session per path and releases on dispose', async () => {
    const cache = new OnnxSessionCache(cpu);
    const path = reluModel();
    const [a, b] = await Promise.all([cache.get(path), cache.get(`${dir}/./relu.onnx`)]);
    expect(a).toBe(b);
    expect(cache.size).toBe(1);
    expect(a.inputs).toEqual([{ name: 'x', type: 'float32', shape: ['batch', 3] }]);
    await expect(cache.get(join(dir, 'missing.onnx'))).rejects.toMatchObject({ code: 'model_load_failed' });
    expect(cache.size).toBe(1);
    await cache.dispose();
    expect(cache.size).toBe(0);
  });

  it('stacks per-stream rows into one batch and splits the result back', async () => {
    const model = await loadOnnxModel(reluModel(), cpu);
    const rows = [Float32Array.of(1, -1, 2), Float32Array.of(-3, 4, -5)];
    const out = await model.run({ x: stackFloat32(rows, [3]) });
    expect(unstackFloat32(out.y).map((r) => Array.from(r))).toEqual([
      [1, 0, 2],
      [0, 4, 0],
    ]);
    await model.release();
  });

  it('a bad feed is a recoverable stage_failed, not a crash', async () => {
    const model = await loadOnnxModel(reluModel(), cpu);
    const err = await model.run({ x: float32Tensor([1, 2], [1, 2]) }).catch((e) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect(err.code).toBe('stage_failed');
    expect(err.recoverable).toBe(true);
    await model.release();
  });
});
