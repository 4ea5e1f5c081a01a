/**
 * `npm run finetune -- tts` end to end on a tiny random voice: bad manifest lines are skipped
 * with their reasons and counted, a 2-step fine-tune writes a voice folder the server's ONNX
 * generator loads, whose weights read back equal the best checkpoint, with a card that records
 * base, command, data and before/after (teacher-forced and free-running mel L1, MCD) and the
 * report as JSON and HTML; the base folder is never written, and --out onto the base, an
 * existing --out and a work dir with a checkpoint are refused; --freeze-encoder keeps the text
 * encoder at the base's weights; an interrupted run resumed ends where the uninterrupted one did;
 * --measure-only measures the finished voice again without training or touching its weights.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePcm16WavAtomic } from '../../scripts/data/lib/pcm16-wav.ts';
import { FinetuneUsageError } from '../../scripts/finetune/lib/model-folders.ts';
import { parseTtsFinetuneArgs } from '../../scripts/finetune/tts/args.ts';
import { remeasureTtsFinetune } from '../../scripts/finetune/tts/remeasure.ts';
import type { VoiceComparisonRow } from '../../scripts/finetune/tts/report.ts';
import { runTtsFinetune, type TtsFinetuneResult } from '../../scripts/finetune/tts/run.ts';
import { initBackend } from '../../scripts/train/lib/backend.ts';
import { loadCheckpoint } from '../../scripts/train/lib/checkpoint.ts';
import { createFastSpeechFromBase, loadBaseTtsModel } from '../../scripts/train/tts/init-from.ts';
import { loadMelGenerator } from '../../server/stages/tts/acoustic/mel-generator-onnx.ts';
import { type SpeakerData, speakerUtterance, writeRandomTtsModel, writeSpeakerData } from './tts-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'tolk-tts-finetune-'));
const modelsDir = join(root, 'models');
const baseDir = join(modelsDir, 'tts-en');
const outDir = join(modelsDir, 'tts-en-new');
const workDir = join(root, 'work');
let data: SpeakerData;
let run: TtsFinetuneResult;
const logs: string[] = [];
let baseHash: string;

function folderHash(dir: string): string {
  const h = createHash('sha256');
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return h.digest('hex');
}

function args(out: string, work: string, extra: string[] = []): string[] {
  return [
    ...['--base', 'tts-en', '--train', data.train, '--dev', data.dev, '--test', data.test],
    ...['--out', out, '--work', work, '--steps', '2', '--align-steps', '2', '--batch', '4'],
    ...['--eval-every', '1', '--patience', '0', '--eval-limit', '2', '--gl-iters', '2'],
    ...['--threads', '1', '--seed', '3', '--no-progress'],
    ...extra,
  ];
}

const BAD_LINES = [
  'not json {',
  JSON.stringify({ audio_filepath: 'wav/nope.wav', duration: 1, text: 'hello' }),
  JSON.stringify({ audio_filepath: 'wav/0.wav', duration: 1, text: '  ' }),
  JSON.stringify({ audio_filepath: 'wav/8k.wav', duration: 1, text: 'slow line' }),
  JSON.stringify({ audio_filepath: 'wav/long.wav', duration: 13, text: 'a long one' }),
  JSON.stringify({ audio_filepath: 'wav/1.wav', duration: 1, text: '€€€' }),
];

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
  (await writeRandomTtsModel(baseDir)).params.dispose();
  const dataDir = join(root, 'data');
  mkdirSync(join(dataDir, 'wav'), { recursive: true });
  writePcm16WavAtomic(join(dataDir, 'wav', '8k.wav'), speakerUtterance(0).subarray(0, 4000), 8000);
  writePcm16WavAtomic(join(dataDir, 'wav', 'long.wav'), new Float32Array(13 * 16000).fill(0.01), 16000);
  data = writeSpeakerData(dataDir, BAD_LINES);
  baseHash = folderHash(baseDir);
  run = await runTtsFinetune(parseTtsFinetuneArgs(args('tts-en-new', workDir), modelsDir), (s) =>
    logs.push(s),
  );
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('npm run finetune -- tts', () => {
  it('says which backend it trains on', () => {
    expect(logs[0]).toMatch(/^finetune tts: backend wasm/);
  });

  it('skips each bad manifest line with its reason and counts them', () => {
    const text = logs.join('\n');
    expect(text).toMatch(/train: 6 of 14 lines skipped/);
    expect(text).toMatch(/train\.jsonl:9: invalid JSON/);
    expect(text).toMatch(/train\.jsonl:10: missing audio file .*nope\.wav/);
    expect(text).toMatch(/train\.jsonl:11: empty text/);
    expect(text).toMatch(/train\.jsonl:12: sample rate 8000 Hz, expected 16000 Hz/);
    expect(text).toMatch(/train\.jsonl:13: too long: 13\.0 s > 12 s/);
    expect(text).toMatch(/train\.jsonl:14: no speakable symbols in "€€€"/);
    expect(text).toMatch(/data: train 8 utterances .*dev 3, test 2/);
    expect(run.card?.finetune).toMatchObject({
      data: {
        train: { lines: 14, utterances: 8, skipped: 6 },
        dev: { lines: 3, utterances: 3, skipped: 0 },
        tests: [{ utterances: 2 }],
      },
    });
  });

  it('writes a voice folder the server loads, with the best checkpoint as its weights', async () => {
    expect(run.modelDir).toBe(outDir);
    const gen = await loadMelGenerator(outDir);
    try {
      expect(gen.id).toBe('tts-en-new');
      const r = await gen.generate('hello there');
      expect(r.frames).toBeGreaterThan(0);
      expect(r.mel.every(Number.isFinite)).toBe(true);
    } finally {
      await gen.dispose();
    }
    const best = loadCheckpoint(join(workDir, 'acoustic', 'best'));
    const model = createFastSpeechFromBase(await loadBaseTtsModel(outDir));
    try {
      const got = model.params.getWeights();
      for (const [name, w] of best.params)
        expect(Array.from(got.get(name)?.data ?? []), name).toEqual(Array.from(w.data));
    } finally {
      model.params.dispose();
    }
    // Trained: the weights moved away from the base's.
    const baseModel = createFastSpeechFromBase(await loadBaseTtsModel(baseDir));
    const moved = [...baseModel.params.getWeights()].some(
      ([name, w]) => Array.from(w.data).join() !== Array.from(best.params.get(name)?.data ?? []).join(),
    );
    baseModel.params.dispose();
    expect(moved).toBe(true);
  });

  it('records base, command, data, alignment and before/after in model.json and the reports', () => {
    const card = JSON.parse(readFileSync(join(outDir, 'model.json'), 'utf8'));
    expect(card).toMatchObject({
      id: 'tts-en-new',
      kind: 'tts',
      languages: ['en'],
      prosody: { pitchMeanHz: 150, pitchStdHz: 30, energyMean: -5, energyStd: 2 },
      training: {
        finetunedFrom: 'tts-en',
        steps: 2,
        command: `npm run finetune -- tts ${args('tts-en-new', workDir).join(' ')}`,
        base: { command: 'npm run train -- tts (test fixture)' },
        aligner: { steps: 2, utterances: 11 },
      },
      finetune: { base: { id: 'tts-en', dir: baseDir }, normalisation: { kept: 'base' } },
    });
    expect(card.evaluation.dev_teacher_forced.utterances).toBe(3);
    const rows = card.finetune.comparison.rows as VoiceComparisonRow[];
    const row = (set: string, metric: string) => rows.find((r) => r.set === set && r.metric === metric);
    for (const metric of ['mel L1 teacher-forced', 'mel L1 free-running', 'MCD']) {
      const r = row('dev', metric);
      expect(Number.isFinite(r?.before), metric).toBe(true);
      expect(Number.isFinite(r?.after), metric).toBe(true);
      expect(r?.change).toBeCloseTo((r?.after ?? 0) - (r?.before ?? 0), 3);
    }
    expect(row('dev', 'MCD')?.utterances).toBe(2);
    // The held-out test set: no alignment there, so no teacher-forced row.
    const testRows = rows.filter((r) => r.set !== 'dev');
    expect(testRows.map((r) => r.metric)).toEqual(['mel L1 free-running', 'frame ratio', 'MCD']);
    expect(testRows[0].set).toMatch(/test$/);

    const table = logs.join('\n');
    expect(table).toMatch(/before \(tts-en\) → after \(tts-en-new\):/);
    expect(table).toMatch(/dev\s+MCD \(dB\)\s+2\s+\d+\.\d\d\s+\d+\.\d\d/);
    for (const dir of [outDir, workDir]) {
      const json = JSON.parse(readFileSync(join(dir, 'finetune-report.json'), 'utf8'));
      expect(json).toMatchObject({ model: 'tts-en-new', base: 'tts-en' });
      expect(json.rows).toEqual(rows);
      expect(readFileSync(join(dir, 'finetune-report.html'), 'utf8')).toMatch(/<svg[\s\S]*MCD/);
    }
    expect(existsSync(join(workDir, 'listen', 'dev', 'index.html'))).toBe(true);
    expect(existsSync(join(workDir, 'alignment.json'))).toBe(true);
  });

  it('never writes the base, and refuses an --out that would overwrite it or another model', async () => {
    expect(folderHash(baseDir)).toBe(baseHash);
    const attempt = (out: string, work: string, extra: string[] = []) =>
      runTtsFinetune(parseTtsFinetuneArgs(args(out, work, extra), modelsDir), () => {});
    await expect(attempt('tts-en', join(root, 'w1'))).rejects.toThrow(/would overwrite the base model/);
    await expect(attempt(join(baseDir, 'inner'), join(root, 'w2'))).rejects.toThrow(FinetuneUsageError);
    await expect(attempt('tts-en-new', join(root, 'w3'))).rejects.toThrow(/already exists; pass --force/);
    await expect(attempt('tts-en-other', workDir)).rejects.toThrow(/holds a checkpoint; pass --resume/);
    expect(folderHash(baseDir)).toBe(baseHash);
  });

  it('--freeze-encoder keeps the text encoder bit-identical to the base while the rest adapts', async () => {
    const frozenLogs: string[] = [];
    const out = join(modelsDir, 'tts-en-frozen');
    await runTtsFinetune(
      parseTtsFinetuneArgs(
        args('tts-en-frozen', join(root, 'w-frozen'), ['--freeze-encoder', '--eval-limit', '1']),
        modelsDir,
      ),
      (s) => frozenLogs.push(s),
    );
    expect(frozenLogs.join('\n')).toMatch(/frozen: the text encoder \(\d+ weights\) stays the base's/);
    const base = (await loadBaseTtsModel(baseDir)).weights;
    const tuned = (await loadBaseTtsModel(out)).weights;
    const encoder = [...base.keys()].filter((n) => /^(embed|enc\d+|enc_ln)\//.test(n));
    expect(encoder.length).toBeGreaterThan(10);
    for (const name of encoder)
      expect(Array.from(tuned.get(name)?.data ?? []), name).toEqual(Array.from(base.get(name)?.data ?? [1]));
    const changed = [...base.keys()].filter(
      (n) => Array.from(tuned.get(n)?.data ?? []).join() !== Array.from(base.get(n)?.data ?? []).join(),
    );
    expect(changed.some((n) => n.startsWith('dec0/'))).toBe(true);
    expect(changed.some((n) => n.startsWith('duration_predictor/'))).toBe(true);
  });

  it('--measure-only measures the finished voice again: no training, same weights, new report', async () => {
    const graphs = () => ['encoder.onnx', 'decoder.onnx'].map((f) => readFileSync(join(outDir, f)).join());
    const weightsBefore = graphs();
    const trainLog = readFileSync(join(workDir, 'acoustic', 'log.jsonl'), 'utf8');
    const cardBefore = JSON.parse(readFileSync(join(outDir, 'model.json'), 'utf8'));
    // Only what the measurement needs: no --train.
    const measureArgs = (out: string, baseRef = 'tts-en') => [
      ...['--base', baseRef, '--dev', data.dev, '--test', data.test, '--out', out, '--work', workDir],
      ...['--eval-limit', '2', '--gl-iters', '2', '--measure-only'],
    ];
    const remeasureLogs: string[] = [];
    const { card } = await remeasureTtsFinetune(
      parseTtsFinetuneArgs(measureArgs('tts-en-new'), modelsDir),
      (s) => remeasureLogs.push(s),
    );
    expect(remeasureLogs.join('\n')).toMatch(/measure only: base tts-en .* no training/);
    expect(remeasureLogs.join('\n')).toMatch(/before \(tts-en\) → after \(tts-en-new\):/);
    expect(graphs()).toEqual(weightsBefore);
    expect(readFileSync(join(workDir, 'acoustic', 'log.jsonl'), 'utf8')).toBe(trainLog);
    const onDisk = JSON.parse(readFileSync(join(outDir, 'model.json'), 'utf8'));
    expect(onDisk).toEqual(card);
    // The run's own record stays; the teacher-forced figures (they need the alignment) are kept.
    expect(onDisk.training).toEqual(cardBefore.training);
    expect(onDisk.evaluation.dev_teacher_forced).toEqual(cardBefore.evaluation.dev_teacher_forced);
    expect(onDisk.finetune.remeasured.command).toMatch(/--measure-only/);
    const rows = onDisk.finetune.comparison.rows as VoiceComparisonRow[];
    expect(rows.find((r) => r.metric === 'mel L1 teacher-forced')).toEqual(
      (cardBefore.finetune.comparison.rows as VoiceComparisonRow[]).find(
        (r) => r.metric === 'mel L1 teacher-forced',
      ),
    );
    expect(rows.filter((r) => r.metric === 'MCD').map((r) => r.set)).toEqual([
      'dev',
      expect.stringMatching(/test$/),
    ]);
    for (const dir of [outDir, workDir])
      expect(JSON.parse(readFileSync(join(dir, 'finetune-report.json'), 'utf8')).rows).toEqual(rows);

    const attempt = (out: string, baseRef?: string) =>
      remeasureTtsFinetune(parseTtsFinetuneArgs(measureArgs(out, baseRef), modelsDir), () => {});
    await expect(attempt('tts-en-never-trained')).rejects.toThrow(
      /has no model\.json; run the fine-tune first/,
    );
    await expect(attempt('tts-en-new', 'tts-en-new')).rejects.toThrow(
      /fine-tuned from tts-en, not tts-en-new/,
    );
  });

  it("an interrupted run resumed with --resume ends with the uninterrupted run's weights and optimizer state", async () => {
    const work = join(root, 'w-resume');
    const first = parseTtsFinetuneArgs(args('tts-en-resumed', work, ['--eval-limit', '1']), modelsDir);
    const stopped = await runTtsFinetune({ ...first, stopAtStep: 1 }, () => {});
    expect(stopped.modelDir).toBeNull();
    expect(stopped.train.steps).toBe(1);
    const resumedLogs: string[] = [];
    const resumed = await runTtsFinetune(
      parseTtsFinetuneArgs(args('tts-en-resumed', work, ['--eval-limit', '1', '--resume']), modelsDir),
      (s) => resumedLogs.push(s),
    );
    expect(resumedLogs.join('\n')).toMatch(
      /align: alignment cache .*alignment\.json covers the data, reused/,
    );
    expect(resumed.train.steps).toBe(2);
    const a = loadCheckpoint(join(workDir, 'acoustic', 'last'));
    const b = loadCheckpoint(join(work, 'acoustic', 'last'));
    expect(b.meta.step).toBe(a.meta.step);
    expect(b.meta.optimizerUpdates).toBe(a.meta.optimizerUpdates);
    for (const [name, w] of a.params)
      expect(Array.from(b.params.get(name)?.data ?? []), name).toEqual(Array.from(w.data));
    for (const [name, w] of a.slots)
      expect(Array.from(b.slots.get(name)?.data ?? []), name).toEqual(Array.from(w.data));
  });
});
