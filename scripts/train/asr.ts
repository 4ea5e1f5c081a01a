/**
 * `npm run train -- asr --data <corpus dir> --lang en|es [flags]`: trains the streaming
 * LSTM-CTC recognizer on `<data>/<lang>/{train,dev}.jsonl` with the shared training loop
 * (speed perturbation, noise mixing and SpecAugment on the fly, dev WER every --eval-every steps,
 * best checkpoint kept, --resume),
 * then exports the best checkpoint with its domain LM to `models/asr-<lang>/` (or --model-out).
 * `--export-only` re-exports the best checkpoint of a finished run.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type AsrFeatureConfig,
  acousticFrameMs,
  type FeatureNormalization,
  stackedDim,
} from '../../server/stages/asr/features.ts';
import { buildNgramLmFile } from '../../server/stages/asr/lm-builder.ts';
import { type AsrLanguage, createVocabulary } from '../../server/stages/asr/vocabulary.ts';
import { readJsonl, readManifest } from '../data/lib/manifest.ts';
import { type AudioAsrConfig, audioAsrSpec, createAudioAsrModel } from './asr/audio-model.ts';
import { loadAsrAudioSamples, loadAsrSamples, measureFeatureStats } from './asr/dataset.ts';
import { scoreGreedy } from './asr/evaluate-greedy.ts';
import { exportAsrModel } from './asr/export-asr.ts';
import { adaptOutputToVocabulary, loadBaseAsrModel } from './asr/init-from.ts';
import { type AsrModelConfig, asrModelSpec, createAsrTrainModel } from './asr/model.ts';
import { DEFAULT_SPEC_AUGMENT } from './asr/spec-augment.ts';
import {
  baseTrainNoiseFiles,
  describeWaveAugment,
  parseDbRange,
  parseSnrRange,
  parseSpeeds,
  type WaveAugmentConfig,
} from './asr/wave-augment.ts';
import { COMMON_TRAIN_USAGE, parseCommonTrainArgs } from './lib/args.ts';
import { initBackend } from './lib/backend.ts';
import { loadCheckpoint } from './lib/checkpoint.ts';
import { trainLoop } from './lib/loop.ts';

const USAGE = `usage: npm run train -- asr --data DIR --lang en|es [--units N] [--layers N] [--model-out DIR]
  [--lm-order N] [--no-spec-augment] [--export-only] [--init-from MODEL_DIR]
  [--speed LIST] [--noise-prob P] [--snr MIN:MAX] [--gain MIN:MAX] [--no-wave-augment]
  [--normalization causal|global] [--blank-before-speech]
  --speed       speed perturbation factors drawn per utterance on every step (default 0.9,1,1.1)
  --noise-prob  share of utterances that get one of <data>/noise's training noises mixed in on
                every step (default 0.3), at an SNR drawn from --snr (default 0:20 dB)
  --gain        a gain in dB drawn per utterance on every step, e.g. -12:12 (default off)
  --blank-before-speech  CTC may emit nothing before each utterance's speech onset (energy-based);
                without it a causal model can learn to guess the first letter on frame 0
  --normalization  feature normalization: global (the training set's stats, fixed; the default
                for new models) or causal (running stats per utterance); with --init-from the
                base model's unless given
  --no-wave-augment  train on features computed once (no speed or noise draws; faster per step)
  --init-from   start from a shipped model's weights (read back from its model.onnx) and reuse
                its feature normalisation; the architecture flags must match its model.json
${COMMON_TRAIN_USAGE}`;

const audioHoursOf = (frames: number, features: AsrFeatureConfig) =>
  (frames * acousticFrameMs(features)) / 3.6e6;

interface TrainSetSize {
  frames: number;
  count: number;
  dropped: number;
}

/** How much a loaded training set holds, printed as it is measured. */
function sizeOfTrainSet(
  set: { samples: { frames: number }[]; dropped: number },
  features: AsrFeatureConfig,
): TrainSetSize {
  const size = {
    frames: set.samples.reduce((sum, x) => sum + x.frames, 0),
    count: set.samples.length,
    dropped: set.dropped,
  };
  console.log(
    `train: ${size.count} utterances (${audioHoursOf(size.frames, features).toFixed(2)} h), ${size.dropped} dropped (labels longer than frames)`,
  );
  return size;
}

/** The flags' waveform augmentation, noise drawn from the corpus's training noises; null = off. */
function waveAugmentOf(rest: Record<string, unknown>, dataDir: string): WaveAugmentConfig | null {
  if (rest['no-wave-augment']) return null;
  const speeds = parseSpeeds(String(rest.speed ?? '0.9,1,1.1'));
  const prob = Number(rest['noise-prob'] ?? 0.3);
  if (!(prob >= 0 && prob <= 1))
    throw new Error(`--noise-prob ${String(rest['noise-prob'])}: a share in [0, 1]`);
  const files = prob > 0 ? baseTrainNoiseFiles(dataDir) : [];
  if (prob > 0 && files.length === 0)
    throw new Error(`--noise-prob ${prob}: no training noises in ${dataDir}/noise`);
  const noise = files.length ? { files, snrDb: parseSnrRange(String(rest.snr ?? '0:20')), prob } : null;
  const gainDb = rest.gain === undefined ? null : parseDbRange(String(rest.gain), '--gain', '-12:12');
  return { speeds, noise, gainDb };
}

function normalizationOf(value: unknown): FeatureNormalization | undefined {
  if (value === undefined) return undefined;
  if (value !== 'causal' && value !== 'global')
    throw new Error(`--normalization ${String(value)}: causal or global`);
  return value;
}

export async function main(args: string[]): Promise<void> {
  if (args.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const a = parseCommonTrainArgs(
    args,
    { steps: 2400, batchSize: 16, lr: 1.5e-3, warmup: 150, evalEvery: 300 },
    {
      data: { type: 'string' },
      lang: { type: 'string' },
      units: { type: 'string' },
      layers: { type: 'string' },
      'model-out': { type: 'string' },
      'lm-order': { type: 'string' },
      'no-spec-augment': { type: 'boolean' },
      'export-only': { type: 'boolean' },
      'init-from': { type: 'string' },
      speed: { type: 'string' },
      'noise-prob': { type: 'string' },
      snr: { type: 'string' },
      gain: { type: 'string' },
      normalization: { type: 'string' },
      'blank-before-speech': { type: 'boolean' },
      'no-wave-augment': { type: 'boolean' },
    },
  );
  const lang = String(a.rest.lang ?? 'en') as AsrLanguage;
  const dataDir = resolve(String(a.rest.data ?? 'data/small'));
  const outDir = a.outGiven ? a.out : `out/train/asr-${lang}`;
  const modelDir = String(a.rest['model-out'] ?? `models/asr-${lang}`);
  const backend = await initBackend();
  const vocab = createVocabulary(lang);

  const trainEntries = readManifest(join(dataDir, lang, 'train.jsonl'));
  const devEntries = readManifest(join(dataDir, lang, 'dev.jsonl'));
  console.log(`data: ${trainEntries.length} train, ${devEntries.length} dev utterances from ${dataDir}`);
  const initFrom = a.rest['init-from'] ? resolve(String(a.rest['init-from'])) : null;
  const base = initFrom ? await loadBaseAsrModel(initFrom) : null;
  // A continued run sees features normalised as the base model saw them, unless told otherwise
  // (the base's stats are kept either way, so its weights start from familiar inputs).
  const normalization = normalizationOf(a.rest.normalization);
  const features: AsrFeatureConfig = base
    ? { ...base.features, normalization: normalization ?? base.features.normalization ?? 'causal' }
    : { ...measureFeatureStats(trainEntries), normalization: normalization ?? 'global' };
  const cfg: AsrModelConfig = {
    inputSize: stackedDim(features),
    units: Number(a.rest.units ?? base?.units ?? 256),
    layers: Number(a.rest.layers ?? base?.layers ?? 3),
    vocab: vocab.size,
    seed: a.seed,
    melBins: features.numMelBins,
    stack: features.stack,
    specAugment: a.rest['no-spec-augment'] ? null : DEFAULT_SPEC_AUGMENT,
  };
  const exportOnly = Boolean(a.rest['export-only']);
  const startFromBase = base !== null && !a.resume && !exportOnly;
  const augment = exportOnly ? null : waveAugmentOf(a.rest, dataDir);
  const audioConfig: AudioAsrConfig | null = augment && {
    asr: cfg,
    features,
    baseDir: startFromBase ? base.dir : null,
    tokens: [...vocab.tokens],
    augment,
    freezeLayers: 0,
    l2Base: 0,
    seed: a.seed,
    blankBeforeSpeech: Boolean(a.rest['blank-before-speech']),
  };
  // With waveform augmentation the model featurizes raw audio on every step (audio-model.ts);
  // otherwise it trains on features computed once.
  const audioModel = audioConfig ? await createAudioAsrModel(audioConfig) : null;
  const model = audioModel ? audioModel.inner : createAsrTrainModel(cfg);
  if (startFromBase && !audioModel) {
    const mapped = adaptOutputToVocabulary(base.weights, base.vocabulary, vocab.tokens);
    model.params.setWeights(mapped.weights);
    const note = mapped.unmapped.length ? `; no source column for ${mapped.unmapped.join(' ')}` : '';
    console.log(`init: weights of ${base.dir} (${base.weights.size} tensors${note})`);
  } else if (startFromBase) console.log(`init: weights of ${base.dir}`);
  if (augment)
    console.log(`augment: ${describeWaveAugment(augment)}; SpecAugment ${cfg.specAugment ? 'on' : 'off'}`);
  const command = `npm run train -- asr ${args.join(' ')}`;
  const dev = loadAsrSamples(devEntries, features, vocab, lang, 'dev').samples;

  const evaluateDev = () => scoreGreedy(model, dev, cfg.inputSize, vocab, lang);

  let trainingSummary: Record<string, unknown> = {};
  if (!exportOnly) {
    const t0 = performance.now();
    const common = {
      threads: a.threads || 1,
      batching: { batchSize: a.batchSize, maxTotalLength: a.batchSize * 110 },
      steps: a.steps,
      optimizer: a.optimizer,
      schedule: a.schedule,
      clipNorm: a.clipNorm,
      seed: a.seed,
      outDir,
      resume: a.resume,
      evalEvery: a.evalEvery || undefined,
      progress: a.progress,
      title: `asr-${lang} LSTM-CTC ${cfg.layers}x${cfg.units} (${backend.name})`,
      extra: { model: cfg, features, command, initFrom, augment },
      metric: 'devWer',
      higherIsBetter: false,
      evaluate: () => {
        const { score } = evaluateDev();
        return { devWer: score.wer, devCer: score.cer };
      },
    };
    const lengthOf = (s: { frames: number }) => s.frames;
    let loaded: TrainSetSize;
    let res: Awaited<ReturnType<typeof trainLoop>>;
    if (audioModel && audioConfig) {
      const set = loadAsrAudioSamples(trainEntries, features, vocab, lang, 'train');
      loaded = sizeOfTrainSet(set, features);
      const spec = audioAsrSpec(audioConfig);
      res = await trainLoop({ ...common, model: audioModel, spec, train: set.samples, lengthOf });
    } else {
      const set = loadAsrSamples(trainEntries, features, vocab, lang, 'train');
      loaded = sizeOfTrainSet(set, features);
      res = await trainLoop({ ...common, model, spec: asrModelSpec(cfg), train: set.samples, lengthOf });
    }
    trainingSummary = {
      steps: res.steps,
      secondsPerStep: Number(res.secondsPerStep.toFixed(3)),
      hours: Number(((performance.now() - t0) / 3.6e6).toFixed(3)),
      backend: backend.name,
      best: res.best,
      batchSize: a.batchSize,
      optimizer: a.optimizer,
      schedule: a.schedule,
      specAugment: cfg.specAugment,
      waveAugment: augment,
      trainUtterances: loaded.count,
      trainHours: Number(audioHoursOf(loaded.frames, features).toFixed(3)),
      droppedUtterances: loaded.dropped,
      ...(base ? { initFrom: base.dir, base: base.training } : {}),
    };
  }

  const bestDir = existsSync(join(outDir, 'best', 'state.json'))
    ? join(outDir, 'best')
    : join(outDir, 'last');
  const ck = loadCheckpoint(bestDir);
  model.params.setWeights(ck.params);
  if (exportOnly) trainingSummary = { ...(ck.meta.extra?.training as object), step: ck.meta.step };
  const { score } = evaluateDev();
  console.log(
    `dev greedy WER ${(score.wer * 100).toFixed(2)}%  CER ${(score.cer * 100).toFixed(2)}% (${bestDir})`,
  );

  const lmSentences = readJsonl<{ src_spoken: string; tgt_spoken: string }>(
    join(dataDir, 'text', 'train.jsonl'),
  ).map((p) => (lang === 'en' ? p.src_spoken : p.tgt_spoken));
  const lmOrder = Number(a.rest['lm-order'] ?? 3);
  mkdirSync(modelDir, { recursive: true });
  const lmText = join(outDir, 'lm-text.txt');
  writeFileSync(lmText, `${lmSentences.join('\n')}\n`);
  buildNgramLmFile(lmText, join(modelDir, 'lm.json'), { order: lmOrder, lang });

  const card = await exportAsrModel(
    modelDir,
    model.params.getWeights(),
    cfg,
    {
      id: `asr-${lang}`,
      kind: 'asr',
      version: new Date().toISOString().slice(0, 10),
      languages: [lang],
      features,
      vocabulary: [...vocab.tokens],
      lm: { file: 'lm.json', order: lmOrder, sentences: lmSentences.length },
      training: {
        command,
        data: { dir: dataDir, report: join(dataDir, 'report.json') },
        checkpoint: bestDir,
        ...trainingSummary,
      },
      evaluation: {
        dev_greedy: {
          wer: Number(score.wer.toFixed(4)),
          cer: Number(score.cer.toFixed(4)),
          utterances: score.utterances,
        },
      },
    },
    vocab,
  );
  console.log(`exported ${card.id} (${card.model.parameters} parameters) to ${modelDir}`);
}
