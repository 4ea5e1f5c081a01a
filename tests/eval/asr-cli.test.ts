/**
 * `npm run eval -- asr` on a 3-utterance manifest the test writes (synthetic WAVs, a tiny
 * random recognizer): the table and one JSON object with the documented keys; --record puts
 * the figures in model.json; the pocketsphinx peer runs on the same files when installed.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeRandomAsrModel } from '../../scripts/bench/asr.ts';
import { main } from '../../scripts/eval/asr.ts';
import { hasPocketsphinx } from '../../scripts/eval/peers/pocketsphinx.ts';
import { writeWav } from '../../server/audio/wav-io.ts';

let root: string;
let modelDir: string;
let manifest: string;

function tone(seconds: number, hz: number, noise: number): Float32Array {
  const x = new Float32Array(Math.round(seconds * 16000));
  let s = hz >>> 0;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const gate = Math.floor(i / 3200) % 2;
    x[i] = 0.3 * gate * Math.sin((2 * Math.PI * hz * i) / 16000) + noise * (s / 2 ** 32 - 0.5);
  }
  return x;
}

async function runCli(args: string[]): Promise<{ lines: string[]; code: number | undefined }> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    lines.push(a.join(' '));
  });
  const before = process.exitCode;
  try {
    await main(args);
    return { lines, code: process.exitCode as number | undefined };
  } finally {
    log.mockRestore();
    process.exitCode = before;
  }
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = mkdtempSync(join(tmpdir(), 'tolk-eval-asr-'));
  modelDir = join(root, 'asr-en');
  const { model } = await writeRandomAsrModel(modelDir, {
    units: 16,
    layers: 1,
    lmLines: ['the room is ready', 'the taxi is here'],
  });
  model.params.dispose();
  mkdirSync(join(root, 'data', 'wav'), { recursive: true });
  const rows = [
    { name: 'a', hz: 220, noise: 0.01, text: 'The room is ready.', accent: 'us', snr_db: null },
    { name: 'b', hz: 330, noise: 0.1, text: 'the taxi is here', accent: 'scottish', snr_db: 10 },
    { name: 'c', hz: 440, noise: 0.05, text: "Where's the pharmacy?", accent: 'us', snr_db: 20 },
  ];
  for (const r of rows)
    await writeWav(join(root, 'data', 'wav', `${r.name}.wav`), tone(1.2, r.hz, r.noise), 16000);
  manifest = join(root, 'data', 'test-mini.jsonl');
  writeFileSync(
    manifest,
    rows
      .map((r) =>
        JSON.stringify({
          audio_filepath: `wav/${r.name}.wav`,
          duration: 1.2,
          text: r.text,
          accent: r.accent,
          snr_db: r.snr_db,
        }),
      )
      .join('\n'),
  );
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function checkFigures(f: Record<string, unknown>): void {
  for (const key of ['wer', 'cer', 'rtf']) {
    expect(typeof f[key]).toBe('number');
    expect(f[key] as number).toBeGreaterThanOrEqual(0);
  }
  expect(f.utterances).toBe(3);
  expect(Object.keys(f.by_accent as object).sort()).toEqual(['scottish', 'us']);
  expect(Object.keys(f.by_snr as object).sort()).toEqual(['clean', 'snr10-20', 'snr>=20']);
  expect((f.by_accent as Record<string, { utterances: number }>).us.utterances).toBe(2);
}

describe('eval asr CLI', () => {
  it('prints a table and one JSON object (last line) with wer, cer, rtf, utterances, by_accent, by_snr', async () => {
    const { lines, code } = await runCli(['--manifest', manifest, '--model-dir', modelDir, '--json']);
    expect(code).toBeUndefined();
    expect(lines.some((l) => /WER/.test(l))).toBe(true);
    const report = JSON.parse(lines.at(-1)!);
    checkFigures(report);
    expect(report.decoder).toBe('beam+lm');
    expect(report.model).toBe('asr-en-random');
    // A random model cannot transcribe: the figures are real, so the error rate is high.
    expect(report.wer).toBeGreaterThan(0.5);
  });

  it('--greedy --limit 2 decodes two utterances best-path; --record writes model.json', async () => {
    const { lines } = await runCli([
      '--manifest',
      manifest,
      '--model-dir',
      modelDir,
      '--greedy',
      '--limit',
      '2',
      '--json',
    ]);
    const report = JSON.parse(lines.at(-1)!);
    expect(report.decoder).toBe('greedy');
    expect(report.utterances).toBe(2);
    await runCli(['--manifest', manifest, '--model-dir', modelDir, '--record']);
    const card = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'));
    const rec = card.evaluation['test-mini'];
    checkFigures(rec);
    expect(rec.command).toContain('npm run eval -- asr --manifest');
    expect(Number.isNaN(Date.parse(rec.date))).toBe(false);
    expect(card.vocabulary).toHaveLength(29); // the rest of the card is kept
  });

  it('--tune-lm grid-searches α/β, writes the best into the card, and the engine then decodes with it', async () => {
    const { lines } = await runCli(['--manifest', manifest, '--model-dir', modelDir, '--tune-lm']);
    expect(lines.at(-1)).toMatch(/recorded lm.weight [\d.]+, lm.wordBonus [\d.]+/);
    const card = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'));
    expect(typeof card.lm.weight).toBe('number');
    expect(typeof card.lm.wordBonus).toBe('number');
    expect(card.lm.file).toBe('lm.json'); // the rest of the lm entry is kept
    expect(card.lm.tuned).toMatchObject({ utterances: 3 });
    // The recorded WER is what a plain eval (card α/β, no flags) now measures.
    const { lines: plain } = await runCli(['--manifest', manifest, '--model-dir', modelDir, '--json']);
    expect(JSON.parse(plain.at(-1)!).wer).toBeCloseTo(card.lm.tuned.wer, 10);
  });

  it('rejects a missing model folder and a missing manifest argument without a stack trace', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect((await runCli(['--manifest', manifest, '--model-dir', join(root, 'nope')])).code).toBe(1);
      expect((await runCli([])).code).toBe(2);
    } finally {
      errors.mockRestore();
    }
  });

  it.skipIf(!hasPocketsphinx())('--peer pocketsphinx scores the peer on the same files', async () => {
    const { lines } = await runCli([
      '--manifest',
      manifest,
      '--model-dir',
      modelDir,
      '--peer',
      'pocketsphinx',
      '--json',
    ]);
    const report = JSON.parse(lines.at(-1)!);
    checkFigures(report);
    expect(report.peer.name).toBe('pocketsphinx');
    checkFigures(report.peer);
  });
});
