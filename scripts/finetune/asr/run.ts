/**
 * One recognizer fine-tune, start to finish: check the folders and manifests, measure the base
 * model (before), train from its ONNX weights with the shared loop, export the best checkpoint
 * as a new model folder (LM copied from the base), measure it (after), and leave the
 * before/after table, JSON and HTML chart in the new folder and the work dir.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type AsrFeatureConfig, stackedDim } from '../../../server/stages/asr/features.ts';
import { type AsrLanguage, createVocabulary } from '../../../server/stages/asr/vocabulary.ts';
import type { ManifestEntry } from '../../data/lib/manifest.ts';
import { type AudioAsrConfig, audioAsrSpec, createAudioAsrModel } from '../../train/asr/audio-model.ts';
import { scoreGreedy } from '../../train/asr/evaluate-greedy.ts';
import { loadBaseAsrModel } from '../../train/asr/init-from.ts';
import type { AsrModelConfig } from '../../train/asr/model.ts';
import { DEFAULT_SPEC_AUGMENT } from '../../train/asr/spec-augment.ts';
import { baseTrainNoiseFiles, noiseFilesIn } from '../../train/asr/wave-augment.ts';
import { describeBackend, initBackend } from '../../train/lib/backend.ts';
import { hasCheckpoint, loadCheckpoint } from '../../train/lib/checkpoint.ts';
import { type TrainResult, trainLoop } from '../../train/lib/loop.ts';
import type { CheckedManifest } from '../lib/manifest-check.ts';
import { checkOutputFolder, FinetuneUsageError, modelIdOf } from '../lib/model-folders.ts';
import type { AsrFinetuneOptions } from './args.ts';
import { cachedBefore, type EvalSet, type SetComparison, setLabel } from './before-after.ts';
import { loadFinetuneData, summarizeData } from './data.ts';
import { publishFinetunedModel } from './publish.ts';

export interface AsrFinetuneResult {
  /** Null when the run stopped at `stopAtStep` (nothing exported). */
  modelDir: string | null;
  train: TrainResult;
  comparisons: SetComparison[];
  card: Record<string, unknown> | null;
}

interface BaseCard {
  id: string;
  version?: string;
  languages: AsrLanguage[];
  features: AsrFeatureConfig;
  lm?: { file: string } & Record<string, unknown>;
  training?: { data?: { dir?: string } } & Record<string, unknown>;
}

const round = (x: number, d = 4) => Number(x.toFixed(d));

export async function runAsrFinetune(
  o: AsrFinetuneOptions,
  log: (s: string) => void = (s) => console.log(s),
): Promise<AsrFinetuneResult> {
  const backend = await initBackend({ announce: false });
  log(`finetune asr: ${describeBackend(backend)}`);

  if (!existsSync(join(o.baseDir, 'model.json')))
    throw new FinetuneUsageError(
      `--base ${o.baseDir}: no model.json there (a model id under the models dir, or a folder)`,
    );
  checkOutputFolder(o.outDir, o.baseDir, o.force);
  const lastDir = join(o.workDir, 'last');
  if (hasCheckpoint(lastDir) && !o.loop.resume && !o.force)
    throw new FinetuneUsageError(
      `${o.workDir} holds a checkpoint; pass --resume to continue it or --force to start over`,
    );
  if (o.force && !o.loop.resume) rmSync(o.workDir, { recursive: true, force: true });
  mkdirSync(o.workDir, { recursive: true });

  const baseCard = JSON.parse(readFileSync(join(o.baseDir, 'model.json'), 'utf8')) as BaseCard;
  const base = await loadBaseAsrModel(o.baseDir);
  const lang = baseCard.languages[0];
  const vocab = createVocabulary(lang);
  const features = base.features;
  const outId = modelIdOf(o.outDir);
  log(
    `base ${baseCard.id} (${o.baseDir}), ${base.layers}×${base.units} LSTM → new model ${outId} (${o.outDir})`,
  );

  // Data: every bad line is reported and skipped, never fatal.
  const data = loadFinetuneData(o, features, vocab, lang, log);
  const { dev, devManifest } = data;

  // Augmentation: the customer's noise when given, else the base corpus's training noises.
  const dataDir = baseCard.training?.data?.dir;
  const noiseFiles =
    o.noiseProb <= 0
      ? []
      : o.noiseDir
        ? noiseFilesIn(o.noiseDir)
        : dataDir
          ? baseTrainNoiseFiles(dataDir)
          : [];
  const noiseSource = o.noiseDir ?? (noiseFiles.length ? join(String(dataDir), 'noise') : null);
  log(
    noiseFiles.length
      ? `augment: noise from ${noiseFiles.length} recording(s) in ${noiseSource} at ${o.snrDb[0]}…${o.snrDb[1]} dB on ${Math.round(o.noiseProb * 100)}% of utterances; speed ${o.speeds.join('/')}; SpecAugment ${o.specAugment ? 'on' : 'off'}`
      : `augment: no noise mixing (${o.noiseProb <= 0 ? '--noise-prob 0' : 'no --noise-dir and no base corpus noise found'}); speed ${o.speeds.join('/')}; SpecAugment ${o.specAugment ? 'on' : 'off'}`,
  );

  const cfg: AsrModelConfig = {
    inputSize: stackedDim(features),
    units: base.units,
    layers: base.layers,
    vocab: vocab.size,
    seed: o.loop.seed,
    melBins: features.numMelBins,
    stack: features.stack,
    specAugment: o.specAugment ? DEFAULT_SPEC_AUGMENT : null,
  };
  const ftConfig: AudioAsrConfig = {
    asr: cfg,
    features,
    baseDir: o.baseDir,
    tokens: [...vocab.tokens],
    augment: {
      noise: noiseFiles.length ? { files: noiseFiles, snrDb: o.snrDb, prob: o.noiseProb } : null,
      speeds: o.speeds,
    },
    freezeLayers: o.freezeLayers,
    l2Base: o.l2Base,
    seed: o.loop.seed,
  };
  const model = await createAudioAsrModel(ftConfig);
  if (o.freezeLayers)
    log(
      `frozen: LSTM layer${o.freezeLayers > 1 ? `s 0…${o.freezeLayers - 1}` : ' 0'} stay${o.freezeLayers > 1 ? '' : 's'} at the base weights`,
    );
  if (o.l2Base) log(`forgetting guard: L2 pull toward the base weights, λ = ${o.l2Base}`);

  const devScore = () => scoreGreedy(model.inner, dev.samples, cfg.inputSize, vocab, lang).score;
  const baseDev = devScore();
  log(`base dev greedy WER ${(baseDev.wer * 100).toFixed(2)}%  CER ${(baseDev.cer * 100).toFixed(2)}%`);

  // Before: the base model through the evaluation code (cached, so --resume does not redo it).
  const evalSets: EvalSet[] = [
    { name: 'dev', manifest: o.dev, entries: stripAudio(devManifest.entries) },
    ...data.tests.map((t) => ({
      name: setLabel(t.path),
      manifest: t.path,
      entries: stripAudio(t.manifest.entries),
    })),
  ];
  const decodeOpts = { decoder: o.reportDecoder, progress: false } as const;
  const before = await cachedBefore(o.workDir, o.baseDir, evalSets, decodeOpts, log);

  const t0 = performance.now();
  let result: TrainResult;
  try {
    result = await trainLoop({
      model,
      spec: audioAsrSpec(ftConfig),
      threads: o.loop.threads || 1,
      train: data.train,
      lengthOf: (s) => s.frames,
      batching: { batchSize: o.loop.batchSize, maxTotalLength: o.loop.batchSize * 110 },
      steps: o.loop.steps,
      optimizer: o.loop.optimizer,
      schedule: o.loop.schedule,
      clipNorm: o.loop.clipNorm,
      seed: o.loop.seed,
      outDir: o.workDir,
      resume: o.loop.resume,
      evalEvery: o.loop.evalEvery || undefined,
      patience: o.patience || undefined,
      stopAtStep: o.stopAtStep,
      progress: o.loop.progress,
      title: `finetune ${outId} from ${baseCard.id} (${backend.name})`,
      extra: { command: o.command, base: o.baseDir, config: { ...ftConfig, augment: ftConfig.augment } },
      metric: 'devWer',
      higherIsBetter: false,
      evaluate: () => {
        const s = devScore();
        return { devWer: s.wer, devCer: s.cer };
      },
    });
  } catch (err) {
    model.dispose();
    throw err;
  }
  if (o.stopAtStep !== undefined && result.steps < o.loop.steps && !result.stoppedEarly) {
    model.dispose();
    return { modelDir: null, train: result, comparisons: [], card: null };
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  if (result.best && result.best.metric > baseDev.wer)
    log(
      `warning: no checkpoint beat the base on dev (best greedy WER ${(result.best.metric * 100).toFixed(2)}% at step ${result.best.step} vs base ${(baseDev.wer * 100).toFixed(2)}%); try a lower --lr, --freeze-layers or more data`,
    );

  // Export the best checkpoint (the last one when no evaluation ran).
  const bestDir = hasCheckpoint(join(o.workDir, 'best')) ? join(o.workDir, 'best') : lastDir;
  const ck = loadCheckpoint(bestDir);
  model.params.setWeights(ck.params);
  const weights = model.params.getWeights();
  model.dispose();
  const summary = summarizeData(data, o.mixShare);
  const { comparisons, card } = await publishFinetunedModel(
    {
      outDir: o.outDir,
      outId,
      baseDir: o.baseDir,
      baseCard,
      weights,
      cfg,
      features,
      vocab,
      lang,
      sets: evalSets,
      before,
      decoder: o.reportDecoder,
      workDir: o.workDir,
      command: o.command,
      finetune: {
        base: { id: baseCard.id, dir: o.baseDir, version: baseCard.version ?? null },
        command: o.command,
        backend: backend.name,
        data: summary,
        options: {
          steps: o.loop.steps,
          batchSize: o.loop.batchSize,
          optimizer: o.loop.optimizer,
          schedule: o.loop.schedule,
          clipNorm: Number.isFinite(o.loop.clipNorm) ? o.loop.clipNorm : null,
          seed: o.loop.seed,
          threads: o.loop.threads || 1,
          noise: ftConfig.augment.noise
            ? { source: noiseSource, files: noiseFiles.length, snrDb: o.snrDb, prob: o.noiseProb }
            : null,
          speeds: o.speeds,
          specAugment: cfg.specAugment,
          freezeLayers: o.freezeLayers,
          l2Base: o.l2Base,
          mixShare: o.mixShare,
          patience: o.patience,
        },
        result: {
          steps: result.steps,
          secondsPerStep: round(result.secondsPerStep, 3),
          trainMinutes: round(trainSeconds / 60, 1),
          best: result.best ?? null,
          stoppedEarly: result.stoppedEarly ?? null,
          checkpoint: bestDir,
          baseDevGreedy: { wer: round(baseDev.wer), cer: round(baseDev.cer) },
        },
      },
      notes: [
        `base ${baseCard.id} → ${outId}; ${result.steps} steps on ${backend.name}`,
        `train ${summary.train.utterances} utterances (${summary.train.hours} h), ${summary.train.skipped} skipped`,
        `command: ${o.command}`,
      ],
    },
    log,
  );
  return { modelDir: o.outDir, train: result, comparisons, card };
}

function stripAudio(entries: CheckedManifest['entries']): ManifestEntry[] {
  return entries.map(({ audio: _a, line: _l, ...e }) => e);
}
