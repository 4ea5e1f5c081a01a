/**
 * `npm run train -- vocoder --data <dir> --lang es|en [flags]`: trains one voice's Vocos-style
 * neural vocoder (lib/models/vocos.ts) from `<dir>/train.jsonl` + `<dir>/dev.jsonl` (NeMo
 * manifests of 16 kHz mono WAVs of ONE speaker: the same folder `train -- tts` uses), then
 * exports it for the server.
 *
 *   train    shared training loop on random `--segment-frames` crops of the recordings; dev
 *            mel L1 and MCD (whole utterances, tfjs) every --eval-every steps, best checkpoint
 *            by dev mel L1, --resume
 *   export   best checkpoint → <model-out>/vocoder.onnx + model.json (kind "vocoder", the
 *            voice's language), then the dev figures again through the exported graph as the
 *            server runs it (VocosVocoder, block by block) next to Griffin-Lim on the same mels.
 */
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { LOG_MEL_CONFIG } from '../../server/audio/log-mel.ts';
import { griffinLimVocoder } from '../../server/stages/tts/vocoder.ts';
import { loadVocosVocoder } from '../../server/stages/tts/vocos-vocoder.ts';
import { readManifest } from '../data/lib/manifest.ts';
import { COMMON_TRAIN_USAGE, parseCommonTrainArgs } from './lib/args.ts';
import { initBackend } from './lib/backend.ts';
import { loadCheckpoint } from './lib/checkpoint.ts';
import { trainLoop } from './lib/loop.ts';
import {
  createVocos,
  DEFAULT_LOG_MAG_MAX,
  DEFAULT_LOSS_WEIGHTS,
  DEFAULT_STFT_RESOLUTIONS,
  receptiveFieldFrames,
  VOCOS_MEL_FLOOR,
  type VocosConfig,
  vocosSpec,
} from './lib/models/vocos.ts';
import { loadVocoderAudio, voiceStatsOf } from './vocoder/dataset.ts';
import { devItems, evaluateModel, evaluateVocoder } from './vocoder/evaluate.ts';
import { exportVocoder, type VocoderCardInput } from './vocoder/export-vocoder.ts';

const USAGE = `usage: npm run train -- vocoder --data DIR --lang es|en [--voice NAME] [--model-out DIR]
  [--dim N] [--intermediate N] [--layers N] [--segment-frames N]
  [--w-mel X] [--w-stft X] [--w-magnitude X] [--w-phase X]
  [--max-utterances N] [--dev-utterances N] [--gl-iters N] [--export-only]
  --data            folder with train.jsonl and dev.jsonl (one voice, 16 kHz mono; the TTS voice's data)
  --lang            the voice's language: TTS voices of it pick this vocoder (model.json languages)
  --voice           folder/id suffix (default: --lang) → out/train/vocoder-<voice>, models/vocoder-<voice>
  --dim, --intermediate, --layers   ConvNeXt width, MLP width, blocks (default 192, 576, 8)
  --segment-frames  frames per training crop (default 64 = 0.64 s)
  --w-*             loss weights (default 1 each): mel, multi-resolution STFT, log-magnitude, phase
  --dev-utterances  dev recordings scored at each evaluation (default 16)
  --gl-iters        Griffin-Lim iterations of the baseline the card compares with (default 32)
  --export-only     re-export the best checkpoint of a finished run (model from the checkpoint)
${COMMON_TRAIN_USAGE}`;

export async function main(args: string[]): Promise<void> {
  if (args.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const a = parseCommonTrainArgs(
    args,
    { steps: 10000, batchSize: 16, lr: 5e-4, warmup: 500, evalEvery: 500 },
    {
      data: { type: 'string' },
      lang: { type: 'string' },
      voice: { type: 'string' },
      'model-out': { type: 'string' },
      dim: { type: 'string' },
      intermediate: { type: 'string' },
      layers: { type: 'string' },
      'segment-frames': { type: 'string' },
      'w-mel': { type: 'string' },
      'w-stft': { type: 'string' },
      'w-magnitude': { type: 'string' },
      'w-phase': { type: 'string' },
      'max-utterances': { type: 'string' },
      'dev-utterances': { type: 'string' },
      'gl-iters': { type: 'string' },
      'export-only': { type: 'boolean' },
    },
  );
  const lang = String(a.rest.lang ?? '');
  if (!/^[a-z]{2,3}$/.test(lang)) throw new Error(`--lang required (es, en, …)\n${USAGE}`);
  if (!a.rest.data) throw new Error(`--data DIR required\n${USAGE}`);
  const dataDir = resolve(String(a.rest.data));
  const voice = String(a.rest.voice ?? lang);
  const id = `vocoder-${voice}`;
  const outDir = a.outGiven ? a.out : `out/train/${id}`;
  const modelDir = String(a.rest['model-out'] ?? `models/${id}`);
  const num = (k: string, d: number) => (a.rest[k] === undefined ? d : Number(a.rest[k]));
  const threads = a.threads || 1;
  const exportOnly = Boolean(a.rest['export-only']);
  const checkpointDir = () =>
    existsSync(join(outDir, 'best', 'state.json')) ? join(outDir, 'best') : join(outDir, 'last');
  if (exportOnly && !existsSync(join(checkpointDir(), 'state.json')))
    throw new Error(`--export-only: no checkpoint in ${outDir}/{best,last}; train first (same --out)`);
  const backend = await initBackend();
  const command = `npm run train -- vocoder ${args.join(' ')}`;

  // --export-only rebuilds the model the checkpoint was trained as, whatever the size flags say.
  const finished = exportOnly ? loadCheckpoint(checkpointDir()) : undefined;
  const trainedAs = finished?.meta.extra as { model?: VocosConfig; command?: string } | undefined;
  const segmentFrames = trainedAs?.model?.segmentFrames ?? num('segment-frames', 64);

  let trainEntries = readManifest(join(dataDir, 'train.jsonl'));
  if (a.rest['max-utterances']) trainEntries = trainEntries.slice(0, num('max-utterances', 0));
  const devEntries = readManifest(join(dataDir, 'dev.jsonl')).slice(0, num('dev-utterances', 16));
  const train = loadVocoderAudio(trainEntries, segmentFrames);
  const dev = devItems(
    loadVocoderAudio(devEntries, 3).utterances.map((u) => u.audio),
    VOCOS_MEL_FLOOR,
  );
  console.log(
    `data: ${train.utterances.length} train recordings (${train.audioHours.toFixed(2)} h, ${train.padded} padded to one crop), ` +
      `${dev.length} dev from ${dataDir}`,
  );
  if (!train.utterances.length || !dev.length) throw new Error('no train or dev recordings');

  const cfg: VocosConfig = trainedAs?.model ?? {
    sampleRate: LOG_MEL_CONFIG.sampleRate,
    numMelBins: LOG_MEL_CONFIG.numMelBins,
    fftSize: LOG_MEL_CONFIG.fftSize,
    windowSamples: LOG_MEL_CONFIG.windowSamples,
    hopSamples: LOG_MEL_CONFIG.hopSamples,
    dim: num('dim', 192),
    intermediate: num('intermediate', 576),
    layers: num('layers', 8),
    kernelSize: 7,
    embedKernel: 7,
    melFloor: VOCOS_MEL_FLOOR,
    ...voiceStatsOf(train.utterances, VOCOS_MEL_FLOOR),
    logMagMax: DEFAULT_LOG_MAG_MAX,
    segmentFrames,
    stftResolutions: DEFAULT_STFT_RESOLUTIONS,
    lossWeights: {
      mel: num('w-mel', DEFAULT_LOSS_WEIGHTS.mel),
      stft: num('w-stft', DEFAULT_LOSS_WEIGHTS.stft),
      magnitude: num('w-magnitude', DEFAULT_LOSS_WEIGHTS.magnitude),
      phase: num('w-phase', DEFAULT_LOSS_WEIGHTS.phase),
    },
    seed: a.seed,
  };
  const model = createVocos(cfg);
  console.log(
    `model: Vocos d${cfg.dim}/${cfg.intermediate} × ${cfg.layers} blocks, ${model.params.size()} parameters, ` +
      `receptive field ±${receptiveFieldFrames(cfg)} frames`,
  );
  const t0 = performance.now();
  let trainingSummary: Record<string, unknown> = {};
  if (!exportOnly) {
    const res = await trainLoop({
      model,
      spec: vocosSpec(cfg),
      threads,
      train: train.utterances,
      lengthOf: (s) => s.frames,
      batching: { batchSize: a.batchSize },
      steps: a.steps,
      optimizer: a.optimizer,
      schedule: a.schedule,
      clipNorm: a.clipNorm,
      seed: a.seed,
      outDir,
      resume: a.resume,
      evalEvery: a.evalEvery || undefined,
      progress: a.progress,
      title: `${id} Vocos d${cfg.dim} × ${cfg.layers} (${backend.name})`,
      extra: { model: cfg, command },
      metric: 'devMelL1',
      higherIsBetter: false,
      evaluate: () => {
        const f = evaluateModel(model, dev);
        return { devMelL1: f.melL1, devMcdDb: f.mcdDb };
      },
    });
    trainingSummary = {
      steps: res.steps,
      secondsPerStep: Number(res.secondsPerStep.toFixed(3)),
      hours: Number(((performance.now() - t0) / 3.6e6).toFixed(3)),
      best: res.best,
    };
  }
  const bestDir = checkpointDir();
  const ck = finished ?? loadCheckpoint(bestDir);
  model.params.setWeights(ck.params);
  if (exportOnly) trainingSummary = { steps: ck.meta.step, best: ck.meta.best, exportCommand: command };

  const card: VocoderCardInput = {
    id,
    version: new Date().toISOString().slice(0, 10),
    languages: [lang],
    training: {
      // The command that trained these weights (an --export-only run records its own as exportCommand).
      command: trainedAs?.command ?? command,
      data: {
        dir: dataDir,
        trainRecordings: train.utterances.length,
        trainHours: Number(train.audioHours.toFixed(3)),
        devRecordings: dev.length,
      },
      backend: backend.name,
      threads,
      batchSize: a.batchSize,
      segmentFrames: cfg.segmentFrames,
      lossWeights: cfg.lossWeights,
      stftResolutions: cfg.stftResolutions,
      optimizer: a.optimizer,
      schedule: a.schedule,
      checkpoint: bestDir,
      ...trainingSummary,
    },
    evaluation: {},
  };
  await exportVocoder(modelDir, model.params.getWeights(), cfg, card);
  // The figures that go into the card come from the exported graph, streamed as the server runs it.
  const served = await loadVocosVocoder(modelDir);
  const neural = await evaluateVocoder(served, dev, cfg.melFloor);
  await served.dispose();
  const glIters = num('gl-iters', 32);
  const gl = await evaluateVocoder(griffinLimVocoder({ iterations: glIters }), dev, cfg.melFloor);
  console.log(`dev (exported graph, streamed): ${JSON.stringify(neural)}`);
  console.log(`dev (Griffin-Lim ${glIters} iterations, same mels): ${JSON.stringify(gl)}`);
  const written = await exportVocoder(modelDir, model.params.getWeights(), cfg, {
    ...card,
    evaluation: {
      dev: {
        neural,
        griffinLim: { iterations: glIters, ...gl },
        note: 'melL1: nats between the input log-mel and the vocoded audio’s; mcdDb: against the recording',
      },
    },
  });
  console.log(`exported ${written.id} (${written.model.parameters} parameters) to ${modelDir}`);
  if (basename(modelDir) !== id)
    console.log(`note: the folder is not named ${id}; TTS voices still pick it by language`);
}
