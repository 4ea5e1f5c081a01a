/**
 * `npm run train -- tts` end to end at toy size: synthetic WAVs + manifests written here, two
 * aligner and two acoustic steps, a 16-wide model. Checks the exported folder (graphs and a
 * model.json the server accepts, with the training command and both dev evaluations), that the
 * alignment cache is written and reused by a second run, and that --export-only re-exports the
 * finished run without training. Alignment quality is beside the point here.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../../scripts/train/lib/backend.ts';
import { readAlignmentCache } from '../../scripts/train/tts/alignment-phase.ts';
import { main } from '../../scripts/train/tts.ts';
import { encodeWav } from '../../server/audio/wav-io.ts';
import { loadMelGenerator, readTtsCard } from '../../server/stages/tts/acoustic/mel-generator-onnx.ts';
import { symbolSet } from '../../server/stages/tts/symbols.ts';

const root = mkdtempSync(join(tmpdir(), 'tolk-tts-cli-'));
const data = join(root, 'data');
const out = join(root, 'out');
const modelDir = join(root, 'model');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TEXTS = [
  'hola',
  'sí',
  'la casa',
  'buenos días',
  'el gato',
  'una mesa',
  'gracias',
  'adiós',
  'dos',
  'tres',
];

/** 0.2–0.4 s: a gated tone (a different F0 per utterance) over faint noise, so pitch and energy vary. */
function utterance(i: number): Float32Array {
  const n = 3200 + 800 * (i % 4);
  const hz = 110 + 20 * i;
  const x = new Float32Array(n);
  let s = i + 1;
  for (let k = 0; k < n; k++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const gate = k % 1600 < 1000 ? 1 : 0;
    x[k] = 0.2 * gate * Math.sin((2 * Math.PI * hz * k) / 16000) + 0.02 * (s / 2 ** 32 - 0.5);
  }
  return x;
}

const ARGS = [
  ...['--data', data, '--lang', 'es', '--out', out, '--model-out', modelDir],
  ...['--steps', '2', '--align-steps', '2', '--batch', '4', '--threads', '1', '--eval-every', '1'],
  ...[
    '--d-model',
    '16',
    '--heads',
    '2',
    '--ffn',
    '32',
    '--predictor',
    '16',
    '--enc-layers',
    '1',
    '--dec-layers',
    '1',
  ],
  '--no-progress',
];

async function runCli(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    lines.push(a.join(' '));
  });
  try {
    await main(args);
    return lines;
  } finally {
    log.mockRestore();
  }
}

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
  mkdirSync(join(data, 'wav'), { recursive: true });
  const rows = TEXTS.map((text, i) => {
    const x = utterance(i);
    writeFileSync(join(data, 'wav', `${i}.wav`), encodeWav(x, 16000));
    return { audio_filepath: `wav/${i}.wav`, duration: x.length / 16000, text };
  });
  // One row the loader must leave out: nothing in it is a symbol.
  const unspeakable = { ...rows[0], text: '€€€' };
  const jsonl = (rs: object[]) => `${rs.map((r) => JSON.stringify(r)).join('\n')}\n`;
  writeFileSync(join(data, 'train.jsonl'), jsonl([...rows.slice(0, 8), unspeakable]));
  writeFileSync(join(data, 'dev.jsonl'), jsonl(rows.slice(8)));
});

describe('npm run train -- tts', () => {
  it('--export-only before any training fails fast with a clear message', async () => {
    await expect(runCli([...ARGS, '--export-only'])).rejects.toThrow(
      /--export-only: no checkpoint in .*train first/,
    );
  });

  it('aligns, trains, exports graphs and a model.json the server loads', async () => {
    const lines = await runCli(ARGS);
    const text = lines.join('\n');
    expect(text).toMatch(/data: 8 train .*2 dev .*dropped \{"no symbols":1\}/);
    expect(text).not.toMatch(/reused/);

    const cache = readAlignmentCache(out);
    expect(cache).not.toBeNull();
    expect(Object.keys(cache?.utterances ?? {})).toHaveLength(10);
    for (const [key, a] of Object.entries(cache?.utterances ?? {})) {
      const i = Number(key.match(/(\d+)\.wav$/)?.[1]);
      // ids = the text's symbols + end-of-text; durations cover every mel frame.
      expect(a.durations.length).toBeGreaterThan(TEXTS[i].length);
      expect(a.durations.reduce((x, y) => x + y, 0)).toBe(Math.floor((utterance(i).length - 400) / 160) + 1);
      expect(a.pitchHz).toHaveLength(a.durations.length);
    }

    const card = await readTtsCard(modelDir);
    expect(statSync(join(modelDir, card.graphs.encoder)).size).toBeGreaterThan(1000);
    expect(statSync(join(modelDir, card.graphs.decoder)).size).toBeGreaterThan(1000);
    expect(card).toMatchObject({
      id: 'tts-es',
      languages: ['es'],
      model: { dModel: 16, heads: 2, reduction: 2 },
    });
    expect(card.symbols).toEqual(symbolSet('es').symbols);
    expect(card.training.command).toBe(`npm run train -- tts ${ARGS.join(' ')}`);
    expect(card.training).toMatchObject({ steps: 2, data: { trainUtterances: 8, devUtterances: 2 } });
    const ev = card.evaluation as Record<string, Record<string, number>>;
    expect(Number.isFinite(ev.dev_teacher_forced.melL1Nats)).toBe(true);
    expect(ev.dev_teacher_forced.utterances).toBe(2);
    expect(ev.dev_free_running.utterances).toBe(2);
    expect(ev.dev_free_running.frameRatio).toBeGreaterThan(0);

    // The folder is servable: the ONNX generator produces frames for new text.
    const gen = await loadMelGenerator(modelDir);
    try {
      const r = await gen.generate('hola mundo');
      expect(r.durations).toHaveLength('hola mundo'.length + 1);
      expect(r.frames).toBe(r.durations.reduce((x, y) => x + y, 0));
      expect(r.mel.length).toBe(r.frames * 80);
      expect(r.mel.every(Number.isFinite)).toBe(true);
    } finally {
      await gen.dispose();
    }
  }, 30_000);

  it('a second run reuses the alignment cache instead of aligning again', async () => {
    const path = join(out, 'alignment.json');
    const before = { bytes: readFileSync(path, 'utf8'), mtime: statSync(path).mtimeMs };
    const alignerLog = statSync(join(out, 'aligner', 'log.jsonl')).mtimeMs;
    const lines = await runCli(ARGS);
    expect(lines.join('\n')).toMatch(/phase 1: alignment cache .*alignment\.json covers the data, reused/);
    expect(readFileSync(path, 'utf8')).toBe(before.bytes);
    expect(statSync(path).mtimeMs).toBe(before.mtime);
    expect(statSync(join(out, 'aligner', 'log.jsonl')).mtimeMs).toBe(alignerLog);
  }, 30_000);

  it('--export-only re-exports the best checkpoint without training, its size taken from the checkpoint', async () => {
    const trainLog = readFileSync(join(out, 'acoustic', 'log.jsonl'), 'utf8');
    const firstCard = await readTtsCard(modelDir);
    rmSync(join(modelDir, 'encoder.onnx'));
    // No size flags: the default d-model (192) would not fit the 16-wide weights.
    const exportArgs = [
      '--data',
      data,
      '--lang',
      'es',
      '--out',
      out,
      '--model-out',
      modelDir,
      '--no-progress',
      '--export-only',
    ];
    const lines = await runCli(exportArgs);
    expect(lines.join('\n')).toMatch(/exported tts-es \(\d+ parameters\)/);
    expect(readFileSync(join(out, 'acoustic', 'log.jsonl'), 'utf8')).toBe(trainLog);
    expect(statSync(join(modelDir, 'encoder.onnx')).size).toBeGreaterThan(1000);
    const card = await readTtsCard(modelDir);
    expect(card.model).toMatchObject({ dModel: 16, heads: 2, encoderLayers: 1, decoderLayers: 1 });
    // The card still says how the weights were trained, and how they were re-exported.
    expect(card.training.command).toBe(firstCard.training.command);
    expect(card.training.exportCommand).toBe(`npm run train -- tts ${exportArgs.join(' ')}`);
    expect(card.training.steps).toBe(2);
    expect(card.training.checkpoint).toBe(join(out, 'acoustic', 'best'));
    // Same weights, same dev data: the same teacher-forced figure.
    expect(card.evaluation.dev_teacher_forced).toEqual(firstCard.evaluation.dev_teacher_forced);
  }, 30_000);
});
