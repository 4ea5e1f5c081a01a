/**
 * `npm run train -- asr --data <corpus dir> --lang en|es [flags]`: trains the streaming
 * LSTM-CTC recognizer on `<data>/<lang>/{train,dev}.jsonl` with the shared training loop
 * (SpecAugment on the fly, dev WER every --eval-every steps, best checkpoint kept, --resume),
 * then exports the best checkpoint with its domain LM to `models/asr-<lang>/` (or --model-out).
 * `--export-only` re-exports the best checkpoint of a finished run.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type AsrFeatureConfig, acousticFrameMs, stackedDim } from '../../server/stages/asr/features.ts';
import { buildNgramLmFile } from '../../server/stages/asr/lm-builder.ts';
import { type AsrLanguage, createVocabulary } from '../../server/stages/asr/vocabulary.ts';
import { readJsonl, readManifest } from '../data/lib/manifest.ts';
import { loadAsrSamples, measureFeatureStats } from './asr/dataset.ts';
import { scoreGreedy } from './asr/evaluate-greedy.ts';
import { exportAsrModel } from './asr/export-asr.ts';
import { adaptOutputToVocabulary, loadBaseAsrModel } from './asr/init-from.ts';
import { type AsrModelConfig, asrModelSpec, createAsrTrainModel } from './asr/model.ts';
import { DEFAULT_SPEC_AUGMENT } from './asr/spec-augment.ts';
import { COMMON_TRAIN_USAGE, parseCommonTrainArgs } from './lib/args.ts';
import { initBackend } from './lib/backend.ts';
import { loadCheckpoint } from './lib/checkpoint.ts';
import { trainLoop } from './lib/loop.ts';

const USAGE = `usage: npm run train -- asr --data DIR --lang en|es [--units N] [--layers N] [--model-out DIR]
  [--lm-order N] [--no-spec-augment] [--export-only] [--init-from MODEL_DIR]
  --init-from   start from a shipped model's weights (read back from its model.onnx) and reuse
                its feature normalisation; the architecture flags must match its model.json
${COMMON_TRAIN_USAGE}`;

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
  // A continued run must see features normalised exactly as the base model saw them.
  const features: AsrFeatureConfig = base ? base.features : measureFeatureStats(trainEntries);
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
  const model = createAsrTrainModel(cfg);
  if (base && !a.resume && !a.rest['export-only']) {
    const mapped = adaptOutputToVocabulary(base.weights, base.vocabulary, vocab.tokens);
    model.params.setWeights(mapped.weights);
    const note = mapped.unmapped.length ? `; no source column for ${mapped.unmapped.join(' ')}` : '';
    console.log(`init: weights of ${base.dir} (${base.weights.size} tensors${note})`);
  }
  const command = `npm run train -- asr ${args.join(' ')}`;
  const dev = loadAsrSamples(devEntries, features, vocab, lang, 'dev').samples;

  const evaluateDev = () => scoreGreedy(model, dev, cfg.inputSize, vocab, lang);

  let trainingSummary: Record<string, unknown> = {};
  if (!a.rest['export-only']) {
    const { samples: train, dropped } = loadAsrSamples(trainEntries, features, vocab, lang, 'train');
    const audioHours = (train.reduce((s, x) => s + x.frames, 0) * acousticFrameMs(features)) / 3.6e6;
    console.log(
      `train: ${train.length} utterances (${audioHours.toFixed(2)} h), ${dropped} dropped (labels longer than frames)`,
    );
    const t0 = performance.now();
    const res = await trainLoop({
      model,
      spec: asrModelSpec(cfg),
      threads: a.threads || 1,
      train,
      lengthOf: (s) => s.frames,
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
      extra: { model: cfg, features, command, initFrom },
      metric: 'devWer',
      higherIsBetter: false,
      evaluate: () => {
        const { score } = evaluateDev();
        return { devWer: score.wer, devCer: score.cer };
      },
    });
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
      trainUtterances: train.length,
      trainHours: Number(audioHours.toFixed(3)),
      droppedUtterances: dropped,
      ...(base ? { initFrom: base.dir, base: base.training } : {}),
    };
  }

  const bestDir = existsSync(join(outDir, 'best', 'state.json'))
    ? join(outDir, 'best')
    : join(outDir, 'last');
  const ck = loadCheckpoint(bestDir);
  model.params.setWeights(ck.params);
  if (a.rest['export-only']) trainingSummary = { ...(ck.meta.extra?.training as object), step: ck.meta.step };
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
