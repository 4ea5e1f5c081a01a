/**
 * One recognizer fine-tune, start to finish: check the folders and manifests, measure the base
 * model (before), train from its ONNX weights with the shared loop, export the best checkpoint
 * as a new model folder (LM copied from the base), measure it (after), and leave the
 * before/after table, JSON and HTML chart in the new folder and the work dir.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { type AsrFeatureConfig, stackedDim } from '../../../server/stages/asr/features.ts';
import { type AsrLanguage, createVocabulary } from '../../../server/stages/asr/vocabulary.ts';
import type { ManifestEntry } from '../../data/lib/manifest.ts';
import type { SystemFigures } from '../../eval/asr.ts';
import { loadAsrSamples } from '../../train/asr/dataset.ts';
import { scoreGreedy } from '../../train/asr/evaluate-greedy.ts';
import { type AsrModelCard, exportAsrModel } from '../../train/asr/export-asr.ts';
import { loadBaseAsrModel } from '../../train/asr/init-from.ts';
import type { AsrModelConfig } from '../../train/asr/model.ts';
import { DEFAULT_SPEC_AUGMENT } from '../../train/asr/spec-augment.ts';
import { describeBackend, initBackend } from '../../train/lib/backend.ts';
import { hasCheckpoint, loadCheckpoint } from '../../train/lib/checkpoint.ts';
import { type TrainResult, trainLoop } from '../../train/lib/loop.ts';
import { type CheckedManifest, describeProblems, readManifestChecked } from '../lib/manifest-check.ts';
import {
  checkOutputFolder,
  FinetuneUsageError,
  modelIdOf,
  publishModelFolder,
  stagingFolder,
} from '../lib/model-folders.ts';
import type { AsrFinetuneOptions } from './args.ts';
import { baseTrainNoiseFiles, noiseFilesIn } from './augment.ts';
import {
  comparisonHtml,
  comparisonRows,
  type EvalSet,
  evaluateSet,
  formatComparison,
  type SetComparison,
} from './before-after.ts';
import { createFinetuneAsrModel, type FinetuneAsrConfig, finetuneAsrSpec } from './model.ts';
import { baseShareCount, drawBaseEntries, toAudioSamples } from './samples.ts';

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

function dataSummary(m: CheckedManifest, used: number, seconds: number, extraProblems: number) {
  return {
    manifest: m.path,
    lines: m.lines,
    utterances: used,
    hours: round(seconds / 3600),
    skipped: m.problems.length + extraProblems,
  };
}

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
  const read = (label: string, path: string) => {
    const m = readManifestChecked(path, o.limits);
    const note = describeProblems(label, path, m.problems, m.lines);
    if (note) log(note);
    return m;
  };
  const trainManifest = read('train', o.train);
  const trainSet = toAudioSamples(trainManifest.entries, features, vocab, lang);
  const trainNote = describeProblems('train', o.train, trainSet.problems, trainManifest.lines);
  if (trainNote) log(trainNote);
  if (trainSet.samples.length === 0)
    throw new FinetuneUsageError(`${o.train}: no usable training utterances`);
  let baseShare: ReturnType<typeof toAudioSamples> | null = null;
  let baseDrawn: CheckedManifest | null = null;
  if (o.mixBase && o.mixShare > 0) {
    const want = baseShareCount(trainSet.samples.length, o.mixShare);
    baseDrawn = drawBaseEntries(o.mixBase, want, o.loop.seed, o.limits).manifest;
    baseShare = toAudioSamples(baseDrawn.entries, features, vocab, lang, trainSet.samples.length);
    const note = describeProblems(
      'mix-base',
      o.mixBase,
      [...baseDrawn.problems, ...baseShare.problems],
      baseDrawn.lines,
    );
    if (note) log(note);
    log(
      `forgetting guard: ${baseShare.samples.length} base utterances (${(baseShare.seconds / 3600).toFixed(2)} h) from ${o.mixBase}, share ${o.mixShare}`,
    );
  }
  const train = [...trainSet.samples, ...(baseShare?.samples ?? [])];
  const devManifest = read('dev', o.dev);
  const dev = loadAsrSamples(devManifest.entries, features, vocab, lang, 'dev');
  if (dev.samples.length === 0) throw new FinetuneUsageError(`${o.dev}: no usable dev utterances`);
  const testSets = o.tests.map((path) => ({ path, manifest: read('test', path) }));
  log(
    `data: train ${trainSet.samples.length} utterances (${(trainSet.seconds / 3600).toFixed(2)} h), dev ${dev.samples.length}` +
      (testSets.length ? `, test ${testSets.map((t) => t.manifest.entries.length).join(' + ')}` : ''),
  );

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
  const ftConfig: FinetuneAsrConfig = {
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
  const model = await createFinetuneAsrModel(ftConfig);
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
    ...testSets.map((t) => ({
      name: setLabel(t.path),
      manifest: t.path,
      entries: stripAudio(t.manifest.entries),
    })),
  ];
  const decodeOpts = { decoder: o.reportDecoder, progress: false } as const;
  const before = await cachedBefore(o, evalSets, decodeOpts, log);

  const t0 = performance.now();
  let result: TrainResult;
  try {
    result = await trainLoop({
      model,
      spec: finetuneAsrSpec(ftConfig),
      threads: o.loop.threads || 1,
      train,
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
  const staging = stagingFolder(o.outDir);
  rmSync(staging, { recursive: true, force: true });
  const lm = baseCard.lm ?? null;
  try {
    await exportAsrModel(
      staging,
      weights,
      cfg,
      {
        id: outId,
        kind: 'asr',
        version: new Date().toISOString().slice(0, 10),
        languages: [lang],
        features,
        vocabulary: [...vocab.tokens],
        lm: lm as AsrModelCard['lm'],
        training: {},
        evaluation: {},
      },
      vocab,
    );
    if (lm) copyFileSync(join(o.baseDir, lm.file), join(staging, lm.file));

    const comparisons: SetComparison[] = [];
    for (const set of evalSets) {
      const after = await evaluateSet(staging, set, decodeOpts);
      const b = before[set.name];
      comparisons.push({ name: set.name, manifest: set.manifest, decoder: after.decoder, before: b, after });
    }
    const rows = comparisonRows(comparisons);
    const table = formatComparison(rows);
    log(`\nbefore (${baseCard.id}) → after (${outId}), ${comparisons[0]?.decoder ?? ''} decoding:\n${table}`);

    const data = {
      train: dataSummary(trainManifest, trainSet.samples.length, trainSet.seconds, trainSet.problems.length),
      dev: dataSummary(
        devManifest,
        dev.samples.length,
        devManifest.entries.reduce((s, e) => s + e.audio.length / 16000, 0),
        dev.dropped,
      ),
      ...(baseShare && baseDrawn
        ? {
            mixBase: {
              ...dataSummary(
                baseDrawn,
                baseShare.samples.length,
                baseShare.seconds,
                baseShare.problems.length,
              ),
              share: o.mixShare,
            },
          }
        : {}),
      tests: testSets.map((t) => ({
        manifest: t.path,
        lines: t.manifest.lines,
        utterances: t.manifest.entries.length,
        skipped: t.manifest.problems.length,
      })),
    };
    const finetune = {
      base: { id: baseCard.id, dir: o.baseDir, version: baseCard.version ?? null },
      command: o.command,
      backend: backend.name,
      data,
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
      comparison: { decoder: comparisons[0]?.decoder, rows, sets: comparisons },
    };
    const cardPath = join(staging, 'model.json');
    const card = JSON.parse(readFileSync(cardPath, 'utf8')) as Record<string, unknown>;
    card.training = {
      command: o.command,
      finetunedFrom: baseCard.id,
      ...finetune.result,
      base: baseCard.training ?? null,
    };
    // Keys like the ones `npm run eval -- asr --record` writes: the set's name, made key-safe.
    card.evaluation = Object.fromEntries(
      comparisons.map((c) => [`finetune_${c.name.replace(/[^A-Za-z0-9]+/g, '_')}`, c.after]),
    );
    card.finetune = finetune;
    writeFileSync(cardPath, `${JSON.stringify(card, null, 2)}\n`);

    const notes = [
      `base ${baseCard.id} → ${outId}; ${comparisons[0]?.decoder ?? ''} decoding; ${result.steps} steps on ${backend.name}`,
      `train ${data.train.utterances} utterances (${data.train.hours} h), ${data.train.skipped} skipped`,
      `command: ${o.command}`,
    ];
    const reportJson = `${JSON.stringify({ model: outId, base: baseCard.id, rows, sets: comparisons }, null, 2)}\n`;
    const html = comparisonHtml(`fine-tune ${outId}: before/after`, rows, notes);
    for (const dir of [staging, o.workDir]) {
      writeFileSync(join(dir, 'finetune-report.json'), reportJson);
      writeFileSync(join(dir, 'finetune-report.html'), html);
    }
    publishModelFolder(staging, o.outDir);
    log(`\nnew model ${outId} in ${o.outDir} (report: ${join(o.outDir, 'finetune-report.html')})`);
    return { modelDir: o.outDir, train: result, comparisons, card };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** A test set's name in the report: its path without .jsonl, relative when under the cwd. */
function setLabel(path: string): string {
  const rel = relative(process.cwd(), path);
  const name = rel.startsWith('..') || isAbsolute(rel) ? join(basename(dirname(path)), basename(path)) : rel;
  return name.replace(/\.jsonl?$/, '');
}

function stripAudio(entries: CheckedManifest['entries']): ManifestEntry[] {
  return entries.map(({ audio: _a, line: _l, ...e }) => e);
}

/** Base figures per set, reused across --resume when the sets and decoder are unchanged. */
async function cachedBefore(
  o: AsrFinetuneOptions,
  sets: EvalSet[],
  decodeOpts: { decoder: 'beam' | 'greedy'; progress: false },
  log: (s: string) => void,
): Promise<Record<string, SystemFigures>> {
  const path = join(o.workDir, 'before.json');
  const key = JSON.stringify({
    base: o.baseDir,
    decoder: decodeOpts.decoder,
    sets: sets.map((s) => [s.manifest, s.entries.length]),
  });
  if (existsSync(path)) {
    const cached = JSON.parse(readFileSync(path, 'utf8')) as {
      key: string;
      figures: Record<string, SystemFigures>;
    };
    if (cached.key === key) return cached.figures;
  }
  const figures: Record<string, SystemFigures> = {};
  for (const set of sets) {
    figures[set.name] = await evaluateSet(o.baseDir, set, decodeOpts);
    log(
      `before: ${set.name} WER ${(figures[set.name].wer * 100).toFixed(2)}% CER ${(figures[set.name].cer * 100).toFixed(2)}% (${set.entries.length} utterances)`,
    );
  }
  writeFileSync(path, `${JSON.stringify({ key, figures }, null, 2)}\n`);
  return figures;
}
