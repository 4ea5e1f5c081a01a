/**
 * `npm run finetune -- asr` end to end on a tiny random recognizer: the exported model's ONNX
 * weights equal the trained checkpoint, bad manifest lines are skipped with a message, the base
 * folder is never written, frozen layers stay at the base weights, an interrupted run resumed
 * with --resume ends exactly where the uninterrupted one does, and clipping bounds each update.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePcm16WavAtomic } from '../../scripts/data/lib/pcm16-wav.ts';
import { parseAsrFinetuneArgs } from '../../scripts/finetune/asr/args.ts';
import { type AsrFinetuneResult, runAsrFinetune } from '../../scripts/finetune/asr/run.ts';
import { FinetuneUsageError } from '../../scripts/finetune/lib/model-folders.ts';
import { loadBaseAsrModel } from '../../scripts/train/asr/init-from.ts';
import { initBackend } from '../../scripts/train/lib/backend.ts';
import { loadCheckpoint } from '../../scripts/train/lib/checkpoint.ts';
import type { WeightMap } from '../../scripts/train/lib/params.ts';
import { type FinetuneFixture, writeFinetuneFixture } from './asr-fixture.ts';

let root: string;
let fx: FinetuneFixture;
let first: AsrFinetuneResult;
const logs: string[] = [];
let baseHashBefore: string;

function folderHash(dir: string): string {
  const h = createHash('sha256');
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return h.digest('hex');
}

const same = (a: WeightMap, b: WeightMap, name: string) =>
  expect(Array.from(a.get(name)?.data ?? [1]), name).toEqual(Array.from(b.get(name)?.data ?? [2]));

/** The common flags of the runs below; `extra` adds or overrides. */
function options(out: string, work: string, extra: string[] = []) {
  const args = [
    '--base',
    fx.baseDir,
    '--train',
    fx.train,
    '--dev',
    fx.dev,
    '--out',
    out,
    '--work',
    work,
    '--noise-dir',
    fx.noiseDir,
    '--snr',
    '0:10',
    '--noise-prob',
    '0.7',
    '--freeze-layers',
    '1',
    '--steps',
    '6',
    '--eval-every',
    '3',
    '--batch',
    '4',
    '--lr',
    '0.01',
    '--warmup',
    '2',
    '--patience',
    '0',
    '--report-decoder',
    'greedy',
    '--no-progress',
    '--seed',
    '7',
    ...extra,
  ];
  return parseAsrFinetuneArgs(args, join(root, 'models'));
}

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
  root = mkdtempSync(join(tmpdir(), 'tolk-finetune-'));
  mkdirSync(join(root, 'data', 'wav'), { recursive: true });
  writePcm16WavAtomic(join(root, 'data', 'wav', 'rate8k.wav'), new Float32Array(8000).fill(0.1), 8000);
  writePcm16WavAtomic(join(root, 'data', 'wav', 'long.wav'), new Float32Array(16000 * 3).fill(0.1), 16000);
  fx = await writeFinetuneFixture(root, [
    '{"audio_filepath": "wav/train-0.wav", "duration": 1, "text": "yes"', // cut off: invalid JSON
    JSON.stringify({ audio_filepath: 'wav/missing.wav', duration: 1, text: 'yes' }),
    JSON.stringify({ audio_filepath: 'wav/train-1.wav', duration: 1, text: '  ' }),
    JSON.stringify({ audio_filepath: 'wav/rate8k.wav', duration: 1, text: 'no' }),
    JSON.stringify({ audio_filepath: 'wav/long.wav', duration: 3, text: 'no' }),
    JSON.stringify({ duration: 1, text: 'no audio path' }),
  ]);
  baseHashBefore = folderHash(fx.baseDir);
  const o = options(join(root, 'models', 'asr-en-lobby'), join(root, 'work-a'), ['--max-seconds', '2.5']);
  first = await runAsrFinetune(o, (s) => logs.push(s));
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('finetune asr', () => {
  it('says which backend it trains on', () => {
    expect(logs[0]).toMatch(/^finetune asr: backend wasm/);
  });

  it('skips every bad manifest line with its reason and counts them', () => {
    const text = logs.join('\n');
    expect(text).toContain('train: 6 of 14 lines skipped');
    for (const reason of [
      ':9: invalid JSON',
      ':10: missing audio file',
      ':11: empty text',
      ':12: sample rate 8000 Hz, expected 16000 Hz',
      ':13: too long: 3.0 s > 2.5 s',
      ':14: not a manifest entry (audio_filepath',
    ])
      expect(text).toContain(reason);
    const data = (first.card!.finetune as { data: { train: { utterances: number; skipped: number } } }).data;
    expect(data.train).toMatchObject({ utterances: 8, skipped: 6 });
  });

  it('exports ONNX weights equal to the best checkpoint, and records base, command and before/after', async () => {
    const dir = join(root, 'models', 'asr-en-lobby');
    const back = await loadBaseAsrModel(dir);
    const best = loadCheckpoint(join(root, 'work-a', 'best')).params;
    expect([...back.weights.keys()].sort()).toEqual([...best.keys()].sort());
    for (const name of best.keys()) same(back.weights, best, name);
    const card = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(card.id).toBe('asr-en-lobby');
    expect(card.finetune.base.id).toBe('asr-en-random');
    expect(card.finetune.command).toContain('npm run finetune -- asr --base');
    const overall = card.finetune.comparison.rows.find((r: { group: string }) => r.group === 'overall');
    expect(overall).toMatchObject({ set: 'dev', utterances: 4 });
    expect(overall.werBefore).toBeGreaterThan(0);
    expect(card.finetune.comparison.rows.map((r: { group: string }) => r.group)).toEqual(
      expect.arrayContaining(['accent caribbean', 'accent us', 'snr clean', 'snr snr0-10']),
    );
    for (const f of ['finetune-report.json', 'finetune-report.html'])
      expect(existsSync(join(dir, f))).toBe(true);
    expect(readFileSync(join(dir, 'finetune-report.html'), 'utf8')).toContain('<svg');
  });

  it('keeps frozen layers at the base weights and trains the rest', async () => {
    const base = await loadBaseAsrModel(fx.baseDir);
    const tuned = await loadBaseAsrModel(join(root, 'models', 'asr-en-lobby'));
    for (const w of ['kernel', 'recurrent_kernel', 'bias']) same(tuned.weights, base.weights, `lstm0/${w}`);
    const moved = (name: string) => {
      const a = base.weights.get(name)!.data;
      const b = tuned.weights.get(name)!.data;
      return a.some((v, i) => v !== b[i]);
    };
    expect(moved('lstm1/kernel')).toBe(true);
    expect(moved('output/kernel')).toBe(true);
  });

  it('never writes the base folder, and refuses --out = base or an existing --out without --force', async () => {
    expect(folderHash(fx.baseDir)).toBe(baseHashBefore);
    const run = (out: string, extra: string[] = []) =>
      runAsrFinetune(options(out, join(root, 'work-x'), extra), () => {});
    await expect(run(fx.baseDir, ['--force'])).rejects.toThrow(/would overwrite the base model/);
    await expect(run('asr-en', ['--force'])).rejects.toThrow(FinetuneUsageError);
    await expect(run(join(root, 'models'), ['--force'])).rejects.toThrow(/would overwrite the base model/);
    await expect(run(join(root, 'models', 'asr-en-lobby'))).rejects.toThrow(/already exists; pass --force/);
    // A finished work dir is not silently restarted either.
    await expect(
      runAsrFinetune(options(join(root, 'models', 'other'), join(root, 'work-a')), () => {}),
    ).rejects.toThrow(/pass --resume/);
  });

  it('an interrupted run resumed with --resume continues from the same step and optimizer state', async () => {
    const out = join(root, 'models', 'asr-en-resumed');
    const work = join(root, 'work-b');
    const cut = { ...options(out, work, ['--max-seconds', '2.5']), stopAtStep: 4 };
    const stopped = await runAsrFinetune(cut, () => {});
    expect(stopped.modelDir).toBeNull();
    const mid = loadCheckpoint(join(work, 'last'));
    expect(mid.meta.step).toBe(4);
    expect(mid.meta.optimizerUpdates).toBe(4);

    const resumed = await runAsrFinetune(options(out, work, ['--max-seconds', '2.5', '--resume']), () => {});
    expect(resumed.train.steps).toBe(6);
    const log = readFileSync(join(work, 'log.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(log.find((r) => r.event === 'resume')).toMatchObject({ step: 4 });
    // Same data order, same augmentation draws, same optimizer slots: the same end state.
    const a = loadCheckpoint(join(root, 'work-a', 'last'));
    const b = loadCheckpoint(join(work, 'last'));
    expect(b.meta.step).toBe(6);
    expect(b.meta.optimizerUpdates).toBe(a.meta.optimizerUpdates);
    for (const name of a.params.keys()) same(b.params, a.params, name);
    for (const name of a.slots.keys()) same(b.slots, a.slots, name);
  }, 30_000);

  it('clips the global gradient norm: one SGD step moves the weights by at most lr × clip', async () => {
    const work = join(root, 'work-clip');
    const o = options(join(root, 'models', 'asr-en-clip'), work, [
      '--optimizer',
      'sgd',
      '--momentum',
      '0',
      '--lr',
      '1',
      '--warmup',
      '0',
      '--decay',
      'constant',
      '--clip',
      '0.05',
      '--steps',
      '1',
      '--freeze-layers',
      '0',
    ]);
    const r = await runAsrFinetune(o, () => {});
    const gradNorm = r.train.history[0].gradNorm;
    expect(gradNorm).toBeGreaterThan(0.05); // clipping really had work to do
    const base = (await loadBaseAsrModel(fx.baseDir)).weights;
    const after = loadCheckpoint(join(work, 'last')).params;
    let sq = 0;
    for (const [name, w] of after) {
      const b = base.get(name)!.data;
      for (let i = 0; i < w.data.length; i++) sq += (w.data[i] - b[i]) ** 2;
    }
    expect(Math.sqrt(sq)).toBeLessThanOrEqual(0.05 * 1.0001);
    expect(Math.sqrt(sq)).toBeGreaterThan(0.05 * 0.99);
  });
});
