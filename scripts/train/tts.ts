/**
 * `npm run train -- tts --data <dir> --lang es|en [flags]`: trains one voice's acoustic model
 * from `<dir>/train.jsonl` + `<dir>/dev.jsonl` (NeMo manifests of 16 kHz mono WAVs of ONE
 * speaker; the text goes through normalizeText + encodeText exactly as at serving time).
 *
 *   phase 1  forward-sum aligner → MAS durations, per-symbol pitch/energy → <out>/alignment.json
 *            (skipped when that cache covers the data; --realign forces it)
 *   phase 2  FastPitch-style model with the shared training loop (dev losses every
 *            --eval-every steps, best checkpoint by teacher-forced dev mel L1, --resume)
 *   export   best checkpoint → <model-out>/{encoder,decoder}.onnx + model.json, then a
 *            free-running dev check through the exported graphs (the served path).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LOG_MEL_CONFIG } from '../../server/audio/log-mel.ts';
import { DEFAULT_PITCH_CONFIG } from '../../server/audio/pitch.ts';
import { loadMelGenerator } from '../../server/stages/tts/acoustic/mel-generator-onnx.ts';
import { symbolSet } from '../../server/stages/tts/symbols.ts';
import type { Lang } from '../../server/stages/tts/text-normalize.ts';
import { readManifest } from '../data/lib/manifest.ts';
import { COMMON_TRAIN_USAGE, parseCommonTrainArgs } from './lib/args.ts';
import { initBackend } from './lib/backend.ts';
import { loadCheckpoint } from './lib/checkpoint.ts';
import { trainLoop } from './lib/loop.ts';
import {
  createFastSpeech,
  DEFAULT_LOSS_WEIGHTS,
  type FastSpeechConfig,
  fastSpeechSpec,
} from './lib/models/fastspeech.ts';
import { alignOrReuse, DEFAULT_ALIGN_LR, DEFAULT_ALIGN_STEPS } from './tts/alignment-phase.ts';
import {
  loadTtsUtterances,
  MEL_FLOOR,
  measureVoiceStats,
  normalizeMels,
  toFastSpeechSample,
} from './tts/dataset.ts';
import { evaluateFreeRunning, evaluateTeacherForced } from './tts/evaluate.ts';
import { exportTtsModel } from './tts/export-tts.ts';
import { createFastSpeechFromBase, loadBaseTtsModel } from './tts/init-from.ts';

const USAGE = `usage: npm run train -- tts --data DIR --lang es|en [--model-out DIR]
  [--d-model N] [--heads N] [--ffn N] [--enc-layers N] [--dec-layers N] [--predictor N] [--reduction 1|2]
  [--batch-frames N] [--max-frames N] [--max-utterances N]
  [--align-steps N] [--align-lr X] [--realign] [--export-only] [--frame-progress] [--init-from MODEL_DIR]
  --data          folder with train.jsonl and dev.jsonl (one voice, 16 kHz mono)
  --reduction     frames per decoder step (default 2: decoder attention 4x cheaper)
  --batch-frames  cap on Σ frames per batch (default 400 × --batch)
  --max-frames    leave out utterances longer than this (default 1200 = 12 s)
  --align-steps   aligner steps in phase 1 (default 500); --realign redoes phase 1
  --export-only   re-export the best checkpoint of a finished run (model size from the checkpoint)
  --frame-progress  the decoder also sees each frame's place inside its symbol
  --init-from     continue from a shipped voice's weights and normalisation (its size; with
                  --frame-progress, a base without it gains the projection at zero; with
                  --dec-layers N above the base's, new decoder blocks on top start as identities)
${COMMON_TRAIN_USAGE}`;

export async function main(args: string[]): Promise<void> {
  if (args.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const a = parseCommonTrainArgs(
    args,
    { steps: 3000, batchSize: 16, lr: 1e-3, warmup: 200, evalEvery: 250 },
    {
      data: { type: 'string' },
      lang: { type: 'string' },
      'model-out': { type: 'string' },
      'd-model': { type: 'string' },
      heads: { type: 'string' },
      ffn: { type: 'string' },
      'enc-layers': { type: 'string' },
      'dec-layers': { type: 'string' },
      predictor: { type: 'string' },
      reduction: { type: 'string' },
      'batch-frames': { type: 'string' },
      'max-frames': { type: 'string' },
      'max-utterances': { type: 'string' },
      'align-steps': { type: 'string' },
      'align-lr': { type: 'string' },
      realign: { type: 'boolean' },
      'export-only': { type: 'boolean' },
      'frame-progress': { type: 'boolean' },
      'init-from': { type: 'string' },
    },
  );
  const lang = String(a.rest.lang ?? '') as Lang;
  if (lang !== 'es' && lang !== 'en') throw new Error(`--lang es|en required\n${USAGE}`);
  if (!a.rest.data) throw new Error(`--data DIR required\n${USAGE}`);
  const dataDir = resolve(String(a.rest.data));
  const outDir = a.outGiven ? a.out : `out/train/tts-${lang}`;
  const modelDir = String(a.rest['model-out'] ?? `models/tts-${lang}`);
  const num = (k: string, d: number) => (a.rest[k] === undefined ? d : Number(a.rest[k]));
  const maxFrames = num('max-frames', 1200);
  const batchFrames = num('batch-frames', 400 * a.batchSize);
  const threads = a.threads || 1;
  const phase2Dir = join(outDir, 'acoustic');
  const checkpointDir = () =>
    existsSync(join(phase2Dir, 'best', 'state.json')) ? join(phase2Dir, 'best') : join(phase2Dir, 'last');
  const exportOnly = Boolean(a.rest['export-only']);
  // Fail before the feature pass (and a possible alignment run), not after it.
  if (exportOnly && !existsSync(join(checkpointDir(), 'state.json')))
    throw new Error(`--export-only: no checkpoint in ${phase2Dir}/{best,last}; train first (same --out)`);
  const backend = await initBackend();
  const command = `npm run train -- tts ${args.join(' ')}`;

  let trainEntries = readManifest(join(dataDir, 'train.jsonl'));
  const devEntries = readManifest(join(dataDir, 'dev.jsonl'));
  if (a.rest['max-utterances']) trainEntries = trainEntries.slice(0, num('max-utterances', 0));
  const progress = a.progress;
  const tr = loadTtsUtterances(trainEntries, lang, { label: 'train', maxFrames, progress });
  const dv = loadTtsUtterances(devEntries, lang, { label: 'dev', maxFrames, progress });
  const train = tr.utterances;
  const dev = dv.utterances;
  console.log(
    `data: ${train.length} train (${tr.report.audioHours.toFixed(2)} h), ${dev.length} dev from ${dataDir}; ` +
      `dropped ${JSON.stringify(tr.report.dropped)}; unknown characters ${JSON.stringify(tr.report.unknownChars)}`,
  );
  if (!train.length || !dev.length) throw new Error('no usable train or dev utterances');
  const base = a.rest['init-from'] ? await loadBaseTtsModel(resolve(String(a.rest['init-from']))) : null;
  if (base && base.lang !== lang)
    throw new Error(`--init-from ${base.dir} is a ${base.lang} voice, not ${lang}`);
  // A continued voice keeps the base's normalisation: its weights were trained on those numbers.
  const stats = base ? base.stats : measureVoiceStats(train);
  normalizeMels(train, stats);
  normalizeMels(dev, stats);
  const symbols = symbolSet(lang).symbols;

  // ---- phase 1: alignment
  const cache = await alignOrReuse(train, [...train, ...dev], {
    outDir,
    realign: Boolean(a.rest.realign),
    vocab: symbols.length,
    steps: num('align-steps', DEFAULT_ALIGN_STEPS),
    lr: num('align-lr', DEFAULT_ALIGN_LR),
    batchSize: a.batchSize,
    maxBatchFrames: batchFrames,
    clipNorm: a.clipNorm,
    threads,
    seed: a.seed,
    resume: a.resume,
    progress,
  });

  // ---- phase 2: acoustic model
  // --export-only rebuilds the model the checkpoint was trained as, whatever the size flags say.
  const finished = exportOnly ? loadCheckpoint(checkpointDir()) : undefined;
  const trainedAs = finished?.meta.extra as { model?: FastSpeechConfig; command?: string } | undefined;
  const frameProgress = Boolean(a.rest['frame-progress']);
  const grown =
    base && !trainedAs
      ? createFastSpeechFromBase(base, {
          frameProgress,
          decoderLayers: a.rest['dec-layers'] === undefined ? undefined : num('dec-layers', 0),
        })
      : null;
  const cfg: FastSpeechConfig = trainedAs?.model ??
    (grown ? { ...grown.config, seed: a.seed } : null) ?? {
      vocab: symbols.length,
      dModel: num('d-model', 192),
      heads: num('heads', 2),
      ffnSize: num('ffn', 768),
      encoderLayers: num('enc-layers', 2),
      decoderLayers: num('dec-layers', 2),
      predictorUnits: num('predictor', 192),
      predictorKernel: 3,
      reduction: num('reduction', 2),
      numMelBins: LOG_MEL_CONFIG.numMelBins,
      melMean: stats.melMean,
      melStd: stats.melStd,
      frameProgress,
      lossWeights: DEFAULT_LOSS_WEIGHTS,
      seed: a.seed,
    };
  const trainSamples = train.map((u) => toFastSpeechSample(u, cache.utterances[u.key], stats));
  const devSamples = dev.map((u) => toFastSpeechSample(u, cache.utterances[u.key], stats));
  const model = grown ?? createFastSpeech(cfg);
  const t0 = performance.now();
  let trainingSummary: Record<string, unknown> = {};
  if (!exportOnly) {
    const res = await trainLoop({
      model,
      spec: fastSpeechSpec(cfg),
      threads,
      train: trainSamples,
      lengthOf: (s) => s.frames,
      batching: { batchSize: a.batchSize, maxTotalLength: batchFrames },
      steps: a.steps,
      optimizer: a.optimizer,
      schedule: a.schedule,
      clipNorm: a.clipNorm,
      seed: a.seed,
      outDir: phase2Dir,
      resume: a.resume,
      evalEvery: a.evalEvery || undefined,
      progress,
      title: `tts-${lang} FastPitch d${cfg.dModel} ${cfg.encoderLayers}+${cfg.decoderLayers} (${backend.name})`,
      extra: { model: cfg, command },
      metric: 'devMelL1',
      higherIsBetter: false,
      evaluate: () => ({ ...evaluateTeacherForced(model, devSamples, stats) }),
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
  const teacher = evaluateTeacherForced(model, devSamples, stats);
  console.log(`dev (teacher-forced, ${bestDir}): ${JSON.stringify(teacher)}`);

  const round = (x: number, d = 4) => Number(x.toFixed(d));
  const baseCard = {
    id: `tts-${lang}`,
    kind: 'tts' as const,
    version: new Date().toISOString().slice(0, 10),
    languages: [lang],
    symbols,
    audio: {
      sampleRate: LOG_MEL_CONFIG.sampleRate,
      hopSamples: LOG_MEL_CONFIG.hopSamples,
      numMelBins: LOG_MEL_CONFIG.numMelBins,
      windowSamples: LOG_MEL_CONFIG.windowSamples,
      fftSize: LOG_MEL_CONFIG.fftSize,
      melFloor: round(MEL_FLOOR),
      features: 'server/audio/log-mel.ts: natural log of 80-band Slaney mel power',
    },
    durations: { target: 'log1p-frames' as const },
    prosody: {
      pitchMeanHz: stats.pitchMeanHz,
      pitchStdHz: stats.pitchStdHz,
      energyMean: stats.energyMean,
      energyStd: stats.energyStd,
      pitchTracker: { kind: 'yin', minHz: DEFAULT_PITCH_CONFIG.minHz, maxHz: DEFAULT_PITCH_CONFIG.maxHz },
      energy: 'mean log-mel over bands',
    },
    vocoder: { kind: 'griffin-lim' },
    training: {
      // The command that trained these weights (an --export-only run records its own as exportCommand).
      command: trainedAs?.command ?? command,
      data: {
        dir: dataDir,
        trainUtterances: train.length,
        trainHours: round(tr.report.audioHours, 3),
        devUtterances: dev.length,
        dropped: tr.report.dropped,
      },
      backend: backend.name,
      threads,
      batchSize: a.batchSize,
      batchFrames,
      optimizer: a.optimizer,
      schedule: a.schedule,
      aligner: { config: cache.aligner, ...cache.training, ...cache.summary },
      checkpoint: bestDir,
      ...trainingSummary,
    },
    evaluation: {
      dev_teacher_forced: {
        melL1Nats: round(teacher.devMelL1),
        durationMse: round(teacher.devDurationMse),
        pitchMse: round(teacher.devPitchMse),
        energyMse: round(teacher.devEnergyMse),
        utterances: dev.length,
      },
    },
  };
  await exportTtsModel(modelDir, model.params.getWeights(), cfg, baseCard);
  // The free-running figures come from the exported graphs, i.e. exactly what the server runs.
  const gen = await loadMelGenerator(modelDir);
  const free = await evaluateFreeRunning(gen, dev, stats);
  await gen.dispose();
  console.log(`dev (free-running through ONNX, ${free.utterances} utts): ${JSON.stringify(free)}`);
  const card = await exportTtsModel(modelDir, model.params.getWeights(), cfg, {
    ...baseCard,
    evaluation: {
      ...baseCard.evaluation,
      dev_free_running: {
        melL1Nats: round(free.melL1),
        frameRatio: round(free.frameRatio),
        utterances: free.utterances,
        note: 'predicted durations; predicted mel stretched linearly to the recording length',
      },
    },
  });
  console.log(`exported ${card.id} (${card.model.parameters} parameters) to ${modelDir}`);
}
