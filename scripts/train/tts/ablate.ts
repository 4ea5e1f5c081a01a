/**
 * Where a voice loses intelligibility: dev sentences through pocketsphinx, each made five ways —
 *   reference     the recording itself
 *   copy          the recording's log-mel → Griffin-Lim (the vocoder's share)
 *   oracle        aligned durations + measured pitch/energy → decoder (the decoder's share)
 *   oracle-dur    aligned durations, predicted pitch/energy
 *   predicted     everything predicted (what the server does)
 * so the next round of work goes where the loss is.
 *
 *   npx tsx scripts/train/tts/ablate.ts --data data/tts-en --lang en --out out/train/tts-en
 *     [--model-dir models/tts-en] [--limit 40] [--gl-iters 16] [--wavs DIR]
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { writeWav } from '../../../server/audio/wav-io.ts';
import { framesFromLogDurations } from '../../../server/stages/tts/acoustic/length-regulator.ts';
import { griffinLimVocoder, vocodeAll } from '../../../server/stages/tts/vocoder.ts';
import { readManifest } from '../../data/lib/manifest.ts';
import { addCounts, emptyCounts, errorRate, wordCounts } from '../../eval/metrics/wer.ts';
import { pocketsphinxRecognizer } from '../../eval/tts/recognizers.ts';
import { readAudio16k } from '../../eval/tts/systems.ts';
import { initBackend } from '../lib/backend.ts';
import { loadCheckpoint } from '../lib/checkpoint.ts';
import {
  createFastSpeech,
  expansionMatrix,
  type FastSpeechConfig,
  paddedFrames,
  progressTensor,
} from '../lib/models/fastspeech.ts';
import { readAlignmentCache } from './alignment-phase.ts';
import { loadTtsUtterances, normalizeMels, toFastSpeechSample, type VoiceStats } from './dataset.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    lang: { type: 'string', default: 'en' },
    out: { type: 'string' },
    'model-dir': { type: 'string' },
    limit: { type: 'string', default: '40' },
    'gl-iters': { type: 'string', default: '16' },
    wavs: { type: 'string' },
  },
});
const lang = values.lang as 'en' | 'es';
const outDir = resolve(values.out ?? `out/train/tts-${lang}`);
const modelDir = resolve(values['model-dir'] ?? `models/tts-${lang}`);
const wavDir = resolve(values.wavs ?? join(outDir, 'ablation'));
await initBackend();

const ck = loadCheckpoint(join(outDir, 'acoustic', 'best'));
const cfg = (ck.meta.extra as { model: FastSpeechConfig }).model;
const card = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'));
const stats: VoiceStats = {
  melMean: cfg.melMean,
  melStd: cfg.melStd,
  pitchMeanHz: card.prosody.pitchMeanHz,
  pitchStdHz: card.prosody.pitchStdHz,
  energyMean: card.prosody.energyMean,
  energyStd: card.prosody.energyStd,
};
const model = createFastSpeech(cfg);
model.params.setWeights(ck.params);
const cache = readAlignmentCache(outDir);
if (!cache) throw new Error(`no alignment cache in ${outDir}`);

const entries = readManifest(join(resolve(String(values.data)), 'dev.jsonl')).slice(0, Number(values.limit));
const { utterances } = loadTtsUtterances(entries, lang, { label: 'dev', maxFrames: 100000, progress: false });
normalizeMels(utterances, stats);
const vocoder = griffinLimVocoder({ iterations: Number(values['gl-iters']) });
const r = cfg.reduction ?? 1;

/** log-mel [frames, bins] from symbols with the given durations and (optionally) prosody. */
function decodeWith(
  ids: Int32Array,
  durations: Int32Array,
  pitch: Float32Array | null,
  energy: Float32Array | null,
) {
  return tf.tidy(() => {
    const N = ids.length;
    const { hidden } = model.encode(tf.tensor2d(ids, [1, N], 'int32'), {
      pitch: pitch ? tf.tensor2d(pitch, [1, N]) : undefined,
      energy: energy ? tf.tensor2d(energy, [1, N]) : undefined,
    });
    const frames = durations.reduce((a, b) => a + b, 0);
    const T = paddedFrames(frames, r);
    const x = tf.matMul(expansionMatrix([durations], T, N, r), hidden) as tf.Tensor3D;
    const progress = cfg.frameProgress ? progressTensor([durations], T, r) : undefined;
    const mel = model.decode(x, progress).dataSync() as Float32Array;
    return { mel: mel.slice(0, frames * cfg.numMelBins), frames };
  });
}

/** Frames per symbol from the duration predictor, rounded as the served length regulator does. */
function predictedDurations(ids: Int32Array): Int32Array {
  const logD = tf.tidy(() =>
    model.encode(tf.tensor2d(ids, [1, ids.length], 'int32')).logDurations.dataSync(),
  );
  return framesFromLogDurations(logD);
}

const variants = ['reference', 'copy', 'oracle', 'oracle-dur', 'predicted'] as const;
const items: Record<string, { path: string; audio: Float32Array }[]> = {};
for (const v of variants) {
  items[v] = [];
  mkdirSync(join(wavDir, v), { recursive: true });
}
const refs: string[] = [];
for (const [i, u] of utterances.entries()) {
  const a = cache.utterances[u.key];
  if (!a) continue;
  const s = toFastSpeechSample(u, a, stats);
  const bins = cfg.numMelBins;
  const raw = Float32Array.from(u.mel, (x, k) => x * stats.melStd[k % bins] + stats.melMean[k % bins]);
  const mels = {
    copy: { mel: raw, frames: u.frames },
    oracle: decodeWith(s.ids, s.durations, s.pitch, s.energy),
    'oracle-dur': decodeWith(s.ids, s.durations, null, null),
    predicted: (() => decodeWith(s.ids, predictedDurations(s.ids), null, null))(),
  };
  const name = `${String(i).padStart(4, '0')}.wav`;
  const ref = readAudio16k(u.key);
  const write = async (v: string, audio: Float32Array) => {
    const path = join(wavDir, v, name);
    await writeWav(path, audio, 16000);
    items[v].push({ path, audio });
  };
  await write('reference', ref);
  for (const [v, x] of Object.entries(mels)) await write(v, await vocodeAll(vocoder, x.mel, x.frames));
  refs.push(u.text);
}
const ps = pocketsphinxRecognizer();
if (!ps) throw new Error('pocketsphinx not installed');
console.log(`${refs.length} dev sentences, Griffin-Lim ${values['gl-iters']}, pocketsphinx round trip:`);
for (const v of variants) {
  const hyps = await ps.recognize(items[v]);
  const wer = errorRate(hyps.reduce((c, h, k) => addCounts(c, wordCounts(refs[k], h)), emptyCounts()));
  console.log(`  ${v.padEnd(12)} WER ${(100 * wer).toFixed(1)} %`);
}
