/**
 * `npm run train -- vocoder` end to end at toy size: speech-like WAVs + manifests written here,
 * two steps of a 16-wide, 2-block model. Checks that the exported folder is one the server loads
 * and vocodes with, that the card holds the training command and the dev figures of the
 * exported graph next to Griffin-Lim's, and that --export-only rebuilds the model from the
 * checkpoint without training. Audio quality is beside the point here.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../../scripts/train/lib/backend.ts';
import { main } from '../../scripts/train/vocoder.ts';
import { logMel } from '../../server/audio/log-mel.ts';
import { istftLength } from '../../server/audio/stft.ts';
import { encodeWav } from '../../server/audio/wav-io.ts';
import { vocodeAll } from '../../server/stages/tts/vocoder.ts';
import { loadVocosVocoder, readVocoderCard } from '../../server/stages/tts/vocos-vocoder.ts';
import { speechLike } from '../stages/tts/synthetic-speech.ts';

const root = mkdtempSync(join(tmpdir(), 'tolk-vocoder-cli-'));
const data = join(root, 'data');
const out = join(root, 'out');
const modelDir = join(root, 'vocoder-es');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ARGS = [
  ...['--data', data, '--lang', 'es', '--out', out, '--model-out', modelDir],
  ...['--steps', '2', '--batch', '3', '--threads', '1', '--eval-every', '1'],
  ...['--dim', '16', '--intermediate', '32', '--layers', '2', '--segment-frames', '16'],
  ...['--dev-utterances', '2', '--gl-iters', '2', '--no-progress'],
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
  // 0.1–0.35 s: the shortest is under one 16-frame crop and gets padded.
  const rows = [100, 250, 300, 350, 200, 260].map((ms, i) => {
    const x = speechLike(ms, i);
    writeFileSync(join(data, 'wav', `${i}.wav`), encodeWav(x, 16000));
    return { audio_filepath: `wav/${i}.wav`, duration: x.length / 16000, text: 'hola' };
  });
  const jsonl = (rs: object[]) => `${rs.map((r) => JSON.stringify(r)).join('\n')}\n`;
  writeFileSync(join(data, 'train.jsonl'), jsonl(rows.slice(0, 4)));
  writeFileSync(join(data, 'dev.jsonl'), jsonl(rows.slice(4)));
});

describe('npm run train -- vocoder', () => {
  it('trains, exports a folder the server loads, and scores it against Griffin-Lim', async () => {
    const lines = await runCli(ARGS);
    const text = lines.join('\n');
    expect(text).toMatch(/data: 4 train recordings .*1 padded to one crop\), 2 dev/);
    expect(text).toMatch(/receptive field ±9 frames/);
    expect(text).toMatch(/exported vocoder-es \(\d+ parameters\)/);

    const card = await readVocoderCard(modelDir);
    expect(statSync(join(modelDir, card.graphs.vocoder)).size).toBeGreaterThan(1000);
    expect(card).toMatchObject({
      id: 'vocoder-es',
      kind: 'vocoder',
      languages: ['es'],
      audio: { sampleRate: 16000, hopSamples: 160, numMelBins: 80, fftSize: 512, windowSamples: 400 },
      model: { architecture: 'vocos', dim: 16, layers: 2, receptiveFieldFrames: 9 },
    });
    expect(card.training.command).toBe(`npm run train -- vocoder ${ARGS.join(' ')}`);
    expect(card.training).toMatchObject({ steps: 2, data: { trainRecordings: 4, devRecordings: 2 } });
    const dev = (card.evaluation as { dev: Record<string, Record<string, number>> }).dev;
    for (const f of [dev.neural, dev.griffinLim]) {
      expect(f.utterances).toBe(2);
      expect(Number.isFinite(f.melL1)).toBe(true);
      expect(Number.isFinite(f.mcdDb)).toBe(true);
    }
    const log = readFileSync(join(out, 'log.jsonl'), 'utf8');
    expect(log).toMatch(/"event":"eval".*"devMelL1"/);

    const vocoder = await loadVocosVocoder(modelDir);
    try {
      const { data: mel, frames } = logMel(speechLike(300, 9));
      const audio = await vocodeAll(vocoder, mel, frames);
      expect(audio.length).toBe(istftLength(frames));
      expect(audio.every(Number.isFinite)).toBe(true);
    } finally {
      await vocoder.dispose();
    }
  }, 30_000);

  it('--export-only re-exports the checkpoint without training, its size taken from the checkpoint', async () => {
    const trainLog = readFileSync(join(out, 'log.jsonl'), 'utf8');
    const first = await readVocoderCard(modelDir);
    rmSync(join(modelDir, 'vocoder.onnx'));
    const exportArgs = ['--data', data, '--lang', 'es', '--out', out, '--model-out', modelDir];
    const lines = await runCli([...exportArgs, '--dev-utterances', '2', '--no-progress', '--export-only']);
    expect(lines.join('\n')).toMatch(/exported vocoder-es/);
    expect(readFileSync(join(out, 'log.jsonl'), 'utf8')).toBe(trainLog);
    const card = await readVocoderCard(modelDir);
    expect(card.model).toMatchObject({ dim: 16, layers: 2 });
    expect(card.training.command).toBe(first.training.command);
    expect(card.training.exportCommand).toMatch(/--export-only/);
    expect(statSync(join(modelDir, 'vocoder.onnx')).size).toBeGreaterThan(1000);
  }, 30_000);
});
