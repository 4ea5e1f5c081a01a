/**
 * `npm run bench -- asr [--seconds N] [--streams 1,8,32,100] [--random] [--json]`: serving cost of the streaming recognizer
 * (features → ONNX acoustic model → greedy partials + incremental beam/LM), 160 ms chunks.
 *
 *  - RTF per stream with batch 1 (one stream, every chunk its own ORT call);
 *  - N streams (1, 8, 32, 100) pushing each 160 ms tick together, batched per tick through the
 *    engine's batcher, and the same N unbatched (each chunk its own call), to show what
 *    batching buys;
 *  - the acoustic model alone at batch N, to separate it from features and decoding.
 * From the batched figures it estimates how many real-time streams the cores sustain.
 * Uses models/asr-en when it exists (unless --random), else a random model of the shipped shape (3×256, 29
 * classes), and says which. Writes reports/bench-asr.json.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { OnnxSessionCache, runtimeOptionsFromConfig } from '../../models/onnx-session.ts';
import { readWavSync } from '../../server/audio/wav-io.ts';
import { loadConfig } from '../../server/config.ts';
import type { AcousticState } from '../../server/stages/asr/acoustic-model.ts';
import { AsrEngine } from '../../server/stages/asr/engine.ts';
import {
  type AsrFeatureConfig,
  asrFeatures,
  DEFAULT_PRIOR_FRAMES,
  DEFAULT_STACK,
} from '../../server/stages/asr/features.ts';
import { buildNgramLm } from '../../server/stages/asr/lm-builder.ts';
import { type AsrLanguage, createVocabulary } from '../../server/stages/asr/vocabulary.ts';
import { percentile } from '../eval/metrics/percentile.ts';
import { exportAsrModel } from '../train/asr/export-asr.ts';
import { type AsrModelConfig, createAsrInferenceModel } from '../train/asr/model.ts';
import { initBackend } from '../train/lib/backend.ts';
import type { LstmCtcModel } from '../train/lib/models/lstm-ctc.ts';

export interface RandomAsrModelOptions {
  units: number;
  layers: number;
  lang?: AsrLanguage;
  seed?: number;
  /** Sentences for lm.json; none → the card says `lm: null`. */
  lmLines?: readonly string[];
  /**
   * Make the random model blank-dominated like a trained CTC model: the blank bias is set so
   * this fraction of the calibration frames have a near-certain blank (p ≥ 0.999).
   */
  calibrate?: { features: Float32Array; frames: number; sureBlankFraction: number };
}

/** Feature config with neutral stats (zero mean, unit variance): valid, not trained. */
export function neutralFeatureConfig(): AsrFeatureConfig {
  return {
    numMelBins: 80,
    hopMs: 10,
    stack: DEFAULT_STACK,
    priorFrames: DEFAULT_PRIOR_FRAMES,
    mean: new Array(80).fill(0),
    variance: new Array(80).fill(1),
  };
}

/**
 * Writes a random-weight recognizer of real shape as a model folder (model.onnx, model.json,
 * lm.json), exactly as training exports one. The output layer's bias is lowered for the blank
 * so the untrained model emits characters (tests need words to time). Returns the tfjs model
 * it exported, for parity checks.
 */
export async function writeRandomAsrModel(
  dir: string,
  opts: RandomAsrModelOptions,
): Promise<{ model: LstmCtcModel; config: AsrModelConfig }> {
  const lang = opts.lang ?? 'en';
  const vocab = createVocabulary(lang);
  const features = neutralFeatureConfig();
  const config: AsrModelConfig = {
    inputSize: features.numMelBins * features.stack,
    units: opts.units,
    layers: opts.layers,
    vocab: vocab.size,
    seed: opts.seed ?? 1,
    melBins: features.numMelBins,
    stack: features.stack,
    specAugment: null,
  };
  const model = createAsrInferenceModel(config);
  const weights = model.params.getWeights();
  const head = weights.get('output/kernel');
  const bias = weights.get('output/bias');
  if (head && bias) {
    // Sharper, input-dependent logits and a blank that does not always win.
    for (let i = 0; i < head.data.length; i++) head.data[i] *= 6;
    bias.data[vocab.blankId] = -1;
    model.params.setWeights(weights);
    if (opts.calibrate) {
      bias.data[vocab.blankId] += blankBiasFor(model, opts.calibrate, vocab.size);
      model.params.setWeights(weights);
    }
  }
  mkdirSync(dir, { recursive: true });
  const lmLines = opts.lmLines ?? [];
  if (lmLines.length)
    writeFileSync(join(dir, 'lm.json'), JSON.stringify(buildNgramLm(lmLines, { order: 3, lang }).toJSON()));
  await exportAsrModel(
    dir,
    model.params.getWeights(),
    config,
    {
      id: `asr-${lang}-random`,
      kind: 'asr',
      version: 'random',
      languages: [lang],
      features,
      vocabulary: [...vocab.tokens],
      lm: lmLines.length ? { file: 'lm.json', order: 3, sentences: lmLines.length } : null,
      training: { note: 'random weights (test/bench model), not trained' },
      evaluation: {},
    },
    vocab,
  );
  return { model, config };
}

/** Blank-logit shift that makes `sureBlankFraction` of the frames a ≥ 0.999 blank. */
function blankBiasFor(
  model: LstmCtcModel,
  c: NonNullable<RandomAsrModelOptions['calibrate']>,
  vocabSize: number,
): number {
  const dim = c.features.length / c.frames;
  const logits = tf.tidy(() =>
    model.forward(tf.tensor3d(c.features, [1, c.frames, dim])).logits.dataSync(),
  ) as Float32Array;
  // Per frame, how far the blank trails the characters: ln Σ_{v≠blank} e^{logit_v} − logit_blank.
  const margins: number[] = [];
  for (let t = 0; t < c.frames; t++) {
    const row = logits.subarray(t * vocabSize, (t + 1) * vocabSize);
    let best = Number.NEGATIVE_INFINITY;
    for (let v = 1; v < vocabSize; v++) best = Math.max(best, row[v]);
    let sum = 0;
    for (let v = 1; v < vocabSize; v++) sum += Math.exp(row[v] - best);
    margins.push(best + Math.log(sum) - row[0]);
  }
  margins.sort((a, b) => a - b);
  const q = margins[Math.min(margins.length - 1, Math.floor(c.sureBlankFraction * margins.length))];
  return q + Math.log(999);
}

// ---------------------------------------------------------------------------------------------
// Benchmark

const SHIPPED_DIR = 'models/asr-en';
const FIXTURE = 'tests/fixtures/frontend/hotel-clean-16k.wav';
const SAMPLE_RATE = 16000;
const LM_LINES = [
  'i would like to check in please',
  'my room key does not work',
  'where is the nearest pharmacy',
  'can you call a taxi to the airport',
  'what time is breakfast served',
  'i need a doctor for my son',
  'the train to the city leaves at nine',
  'could i have a late check out',
];

interface RunFigures {
  streams: number;
  wallSec: number;
  /** Wall time per stream per second of audio (all cores, shared by the N streams). */
  rtfPerStream: number;
  /** N · audio / wall: streams this machine keeps up with at this batch size. */
  realtimeStreams: number;
  tickP50Ms: number;
  tickP95Ms: number;
  /** endUtterance for all N streams at once: the final's latency after the endpoint. */
  finalMs: number;
  /** Longest event-loop stall during the run: how long other sessions' audio could wait. */
  eventLoopMaxMs: number;
  runs?: number;
  maxBatchSeen?: number;
}

const r3 = (x: number) => Number(x.toPrecision(3));

/** `seconds` of the committed speech fixture, looped; synthetic chirps if it is missing. */
function benchAudio(seconds: number): { samples: Float32Array; source: string } {
  const n = Math.round(seconds * SAMPLE_RATE);
  const out = new Float32Array(n);
  if (existsSync(FIXTURE)) {
    const src = readWavSync(FIXTURE).samples;
    for (let i = 0; i < n; i++) out[i] = src[i % src.length];
    return { samples: out, source: FIXTURE };
  }
  for (let i = 0; i < n; i++)
    out[i] = 0.3 * Math.sin((2 * Math.PI * (200 + (i % 8000) / 20) * i) / SAMPLE_RATE);
  return { samples: out, source: 'synthetic chirps' };
}

/** N streams fed 160 ms per tick together; each tick waits for every stream's events. */
async function runStreams(engine: AsrEngine, audio: Float32Array, n: number): Promise<RunFigures> {
  const streams = Array.from({ length: n }, () => engine.createStream({ partials: true }));
  const step = engine.chunkFrames * engine.frameShiftMs * (SAMPLE_RATE / 1000);
  const ticks: number[] = [];
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const t0 = performance.now();
  for (let i = 0; i < audio.length; i += step) {
    const piece = audio.subarray(i, i + step);
    const tickStart = performance.now();
    await Promise.all(streams.map((s) => s.pushAudio(piece)));
    ticks.push(performance.now() - tickStart);
  }
  const endStart = performance.now();
  await Promise.all(streams.map((s) => s.endUtterance()));
  const finalMs = performance.now() - endStart;
  loop.disable();
  const wallSec = (performance.now() - t0) / 1000;
  for (const s of streams) s.close();
  const audioSec = audio.length / SAMPLE_RATE;
  const sortedTicks = [...ticks].sort((a, b) => a - b);
  const stats = engine.batchStats;
  return {
    streams: n,
    wallSec: r3(wallSec),
    rtfPerStream: r3(wallSec / (n * audioSec)),
    realtimeStreams: Math.floor((n * audioSec) / wallSec),
    tickP50Ms: r3(percentile(sortedTicks, 0.5)),
    tickP95Ms: r3(percentile(sortedTicks, 0.95)),
    finalMs: r3(finalMs),
    eventLoopMaxMs: r3(loop.max / 1e6),
    ...(stats ? { runs: stats.runs, maxBatchSeen: stats.maxBatchSeen } : {}),
  };
}

/** The acoustic model alone: batch N, 4-frame chunks, state carried. */
async function runAcoustic(engine: AsrEngine, audio: Float32Array, n: number) {
  const f = asrFeatures(audio, engine.features);
  const dim = f.data.length / f.frames;
  let states: AcousticState[] = Array.from({ length: n }, () => engine.acoustic.initialState());
  const c = engine.chunkFrames;
  const t0 = performance.now();
  let ticks = 0;
  for (let t = 0; t + c <= f.frames; t += c, ticks++) {
    const chunk = { features: f.data.subarray(t * dim, (t + c) * dim), frames: c };
    const out = await engine.acoustic.run(
      Array.from({ length: n }, () => chunk),
      states,
    );
    states = out.states;
  }
  const ms = performance.now() - t0;
  const audioSec = (ticks * c * engine.frameShiftMs) / 1000;
  return {
    batch: n,
    msPerTick: r3(ms / ticks),
    rtfPerStream: r3(ms / 1000 / (n * audioSec)),
    realtimeStreams: Math.floor((n * audioSec) / (ms / 1000)),
  };
}

/** Whole utterance through tfjs vs 4-frame chunks through ORT, at the bench model's shape. */
async function parityCheck(
  engine: AsrEngine,
  model: LstmCtcModel,
  audio: Float32Array,
): Promise<{ maxAbsDiff: number; sureBlankFraction: number }> {
  const f = asrFeatures(audio.subarray(0, 3 * SAMPLE_RATE), engine.features);
  const dim = f.data.length / f.frames;
  const reference = tf.tidy(() =>
    tf.logSoftmax(model.forward(tf.tensor3d(f.data, [1, f.frames, dim])).logits).dataSync(),
  ) as Float32Array;
  let state = engine.acoustic.initialState();
  let maxDiff = 0;
  let sure = 0;
  const v = engine.vocab.size;
  for (let t = 0; t < f.frames; t += engine.chunkFrames) {
    const end = Math.min(f.frames, t + engine.chunkFrames);
    const out = await engine.acoustic.run(
      [{ features: f.data.subarray(t * dim, end * dim), frames: end - t }],
      [state],
    );
    state = out.states[0];
    const lp = out.logProbs[0].data;
    for (let i = 0; i < lp.length; i++) maxDiff = Math.max(maxDiff, Math.abs(lp[i] - reference[t * v + i]));
    for (let i = 0; i < lp.length; i += v) if (lp[i] >= Math.log(0.999)) sure++;
  }
  return { maxAbsDiff: maxDiff, sureBlankFraction: r3(sure / f.frames) };
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      seconds: { type: 'string', default: '4' },
      streams: { type: 'string', default: '1,8,32,100' },
      json: { type: 'boolean', default: false },
      random: { type: 'boolean', default: false },
    },
  });
  const seconds = Number(values.seconds);
  const counts = values.streams.split(',').map(Number);
  const config = loadConfig();
  const cache = new OnnxSessionCache(runtimeOptionsFromConfig(config.models));
  const { samples: audio, source } = benchAudio(seconds);
  const useShipped = !values.random && existsSync(join(SHIPPED_DIR, 'model.onnx'));
  let dir = SHIPPED_DIR;
  let tmp: string | null = null;
  let random: LstmCtcModel | null = null;
  if (!useShipped) {
    await initBackend({ announce: false });
    tmp = mkdtempSync(join(tmpdir(), 'tolk-bench-asr-'));
    dir = join(tmp, 'asr-en');
    // Calibrated on the bench audio so ~60% of frames are sure blanks, as a trained CTC
    // model's output (and the decoder bench) has; an uncalibrated random head emits a
    // character every frame, which makes the beam search far costlier than it will be.
    const calibration = asrFeatures(audio, neutralFeatureConfig());
    random = (
      await writeRandomAsrModel(dir, {
        units: 256,
        layers: 3,
        lmLines: LM_LINES,
        calibrate: { features: calibration.data, frames: calibration.frames, sureBlankFraction: 0.6 },
      })
    ).model;
  }
  const what = useShipped
    ? `shipped ${SHIPPED_DIR}`
    : 'random-weight model of the shipped shape (3×256 LSTM, 29 classes; no trained model yet)';
  console.log(`bench asr: ${what}`);
  const maxN = Math.max(...counts);
  try {
    const batched = await AsrEngine.load(dir, cache, {
      batching: { maxBatch: Math.max(50, maxN), maxWaitMs: 10 },
    });
    const unbatched = await AsrEngine.load(dir, cache, { batching: false });
    // The same batched engine with ORT in a worker thread: the event loop is not blocked by
    // inference, and features/decoding overlap the model run.
    const inWorker = await AsrEngine.load(dir, cache, {
      batching: { maxBatch: Math.max(50, maxN), maxWaitMs: 10 },
      inference: { thread: 'worker', runtime: runtimeOptionsFromConfig(config.models) },
    });
    const parity = random ? await parityCheck(unbatched, random, audio) : null;
    if (parity)
      console.log(
        `parity (3 s, 160 ms chunks through ORT vs whole utterance through tfjs): max |Δ log-prob| ${parity.maxAbsDiff.toExponential(2)}; sure-blank frames ${parity.sureBlankFraction}`,
      );
    await runStreams(unbatched, audio.subarray(0, SAMPLE_RATE), 1); // warm-up
    const batch1 = await runStreams(unbatched, audio, 1);
    console.log(
      `batch 1: RTF ${batch1.rtfPerStream} per stream (features + ORT + greedy + beam/LM), tick p95 ${batch1.tickP95Ms} ms, final ${batch1.finalMs} ms after the endpoint`,
    );
    const acoustic = [];
    const withBatching: RunFigures[] = [];
    const without: RunFigures[] = [];
    const worker: RunFigures[] = [];
    await runStreams(inWorker, audio.subarray(0, SAMPLE_RATE), 1); // warm-up
    console.log(
      'streams   batched: RTF/stream  tick p95 ms  loop stall ms  real-time | +worker: RTF/stream  tick p95  loop stall  real-time | unbatched: RTF/stream  real-time | ORT alone: ms/tick',
    );
    for (const n of counts) {
      const a = await runAcoustic(batched, audio, n);
      const b = await runStreams(batched, audio, n);
      const w = await runStreams(inWorker, audio, n);
      const u = await runStreams(unbatched, audio, n);
      acoustic.push(a);
      withBatching.push(b);
      worker.push(w);
      without.push(u);
      console.log(
        [
          String(n).padStart(7),
          String(b.rtfPerStream).padStart(20),
          String(b.tickP95Ms).padStart(12),
          String(b.eventLoopMaxMs).padStart(15),
          String(b.realtimeStreams).padStart(11),
          String(w.rtfPerStream).padStart(21),
          String(w.tickP95Ms).padStart(10),
          String(w.eventLoopMaxMs).padStart(12),
          String(w.realtimeStreams).padStart(11),
          String(u.rtfPerStream).padStart(22),
          String(u.realtimeStreams).padStart(10),
          String(a.msPerTick).padStart(20),
        ].join(''),
      );
    }
    const best = Math.max(...[...withBatching, ...worker].map((b) => b.realtimeStreams));
    const cores = cpus().length;
    console.log(
      `→ about ${best} concurrent real-time streams on ${cores} cores (load average ${loadavg()[0].toFixed(1)} during the run)`,
    );
    const report = {
      bench: 'asr',
      date: new Date().toISOString(),
      cpu: cpus()[0]?.model.trim(),
      cores,
      node: process.version,
      loadAverage1m: Number(loadavg()[0].toFixed(2)),
      model: {
        source: useShipped ? SHIPPED_DIR : 'random',
        id: batched.card.id,
        ...batched.card.model,
        lm: batched.lm !== null,
      },
      audio: { source, seconds },
      chunkMs: batched.chunkFrames * batched.frameShiftMs,
      ortIntraOpThreads: config.models.intraOpThreads,
      parity,
      batch1,
      batched: withBatching,
      batchedWorker: worker,
      unbatched: without,
      acousticOnly: acoustic,
      realtimeStreams: best,
    };
    mkdirSync('reports', { recursive: true });
    writeFileSync('reports/bench-asr.json', `${JSON.stringify(report, null, 2)}\n`);
    if (values.json) console.log(JSON.stringify(report));
    await batched.close();
    await unbatched.close();
    await inWorker.close();
  } finally {
    await cache.dispose();
    random?.params.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}
