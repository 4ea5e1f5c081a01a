/**
 * `npm run train -- mt --data <corpus dir> [flags]`: trains the shared en⇄es Transformer on
 * `<data>/text/{train,dev,test}.jsonl` (ASR-style source with injected recognition errors →
 * written target; the decoder's first token is the target-language tag), with the shared
 * training loop (dev chrF every --eval-every steps by greedy decoding through the exported
 * ONNX graphs, best checkpoint kept, --resume), then exports the best checkpoint to
 * `models/mt/` (or --model-out) and records held-out test chrF/BLEU in its model.json.
 * `--export-only` re-exports the best checkpoint of a finished run.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type SubwordSpec,
  SubwordTokenizer,
  subwordSpecSchema,
} from '../../server/stages/mt/neural/subword.ts';
import { COMMON_TRAIN_USAGE, parseCommonTrainArgs } from './lib/args.ts';
import { initBackend } from './lib/backend.ts';
import { loadCheckpoint } from './lib/checkpoint.ts';
import { trainLoop } from './lib/loop.ts';
import { Rng } from './lib/rng.ts';
import { DEFAULT_ASR_NOISE } from './mt/asr-noise.ts';
import { trainBpe } from './mt/bpe-trainer.ts';
import {
  type CorpusPair,
  DIRECTIONS,
  examplesOf,
  knownSourceWords,
  readCorpus,
  type TextExample,
  toSample,
  withPlaceholders,
} from './mt/dataset.ts';
import { meanChrf, scoreModelDir } from './mt/evaluate.ts';
import { exportMtModel } from './mt/export-mt.ts';
import { createMtTrainModel, type MtModelConfig, mtModelSpec } from './mt/model.ts';

const USAGE = `usage: npm run train -- mt --data DIR [--model-out DIR] [--vocab-size N] [--d-model N]
  [--heads N] [--ffn N] [--enc-layers N] [--dec-layers N] [--placeholder-rate X] [--no-noise]
  [--dev-limit N] [--test-limit N] [--beam N] [--export-only]
  --dev-limit     dev sentences per direction decoded at each evaluation (greedy; default 150)
  --test-limit    held-out test sentences per direction scored after training (default: all)
  --beam          beam size written into model.json and used for the test figures (default 4)
${COMMON_TRAIN_USAGE}`;

export async function main(args: string[]): Promise<void> {
  if (args.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const a = parseCommonTrainArgs(
    args,
    { steps: 800, batchSize: 48, lr: 1e-3, warmup: 100, evalEvery: 100 },
    {
      data: { type: 'string' },
      'model-out': { type: 'string' },
      'vocab-size': { type: 'string' },
      'd-model': { type: 'string' },
      heads: { type: 'string' },
      ffn: { type: 'string' },
      'enc-layers': { type: 'string' },
      'dec-layers': { type: 'string' },
      'placeholder-rate': { type: 'string' },
      'no-noise': { type: 'boolean' },
      'dev-limit': { type: 'string' },
      'test-limit': { type: 'string' },
      beam: { type: 'string' },
      'export-only': { type: 'boolean' },
    },
  );
  const num = (k: string, d: number) => (a.rest[k] === undefined ? d : Number(a.rest[k]));
  const dataDir = resolve(String(a.rest.data ?? 'data/medium'));
  const outDir = a.outGiven ? a.out : 'out/train/mt';
  const modelDir = String(a.rest['model-out'] ?? 'models/mt');
  const backend = await initBackend();
  mkdirSync(outDir, { recursive: true });

  const trainPairs = readCorpus(join(dataDir, 'text', 'train.jsonl'));
  const devPairs = readCorpus(join(dataDir, 'text', 'dev.jsonl'));
  const testPairs = readCorpus(join(dataDir, 'text', 'test.jsonl'));
  console.log(
    `data: ${trainPairs.length} train, ${devPairs.length} dev, ${testPairs.length} test pairs from ${dataDir}`,
  );
  const placeholderRate = num('placeholder-rate', 0.25);
  const trainExamples = examplesOf(withPlaceholders(trainPairs, placeholderRate, a.seed));

  // The vocabulary is part of the checkpoint: a resumed run must tokenise exactly as before.
  const subwordPath = join(outDir, 'subword.json');
  let subword: SubwordSpec;
  if ((a.resume || a.rest['export-only']) && existsSync(subwordPath)) {
    subword = subwordSpecSchema.parse(JSON.parse(readFileSync(subwordPath, 'utf8')));
  } else {
    const t0 = performance.now();
    subword = trainBpe(
      trainExamples.flatMap((e) => [e.source, e.target]),
      { vocabSize: num('vocab-size', 1600), languages: ['en', 'es'] },
    );
    writeFileSync(subwordPath, `${JSON.stringify(subword)}\n`);
    console.log(
      `subword: ${subword.tokens.length} tokens, ${subword.merges.length} merges (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
  }
  const tok = new SubwordTokenizer(subword);
  const cfg: MtModelConfig = {
    vocab: tok.size,
    dModel: num('d-model', 256),
    heads: num('heads', 4),
    ffnSize: num('ffn', 1024),
    encoderLayers: num('enc-layers', 3),
    decoderLayers: num('dec-layers', 3),
    maxPositions: 256,
    labelSmoothing: 0.1,
    padId: tok.padId,
    seed: a.seed,
    subword,
    noise: a.rest['no-noise'] ? null : DEFAULT_ASR_NOISE,
  };
  const model = createMtTrainModel(cfg);
  const command = `npm run train -- mt ${args.join(' ')}`;
  const devLimit = num('dev-limit', 150);
  const devExamples = pickPerDirection(examplesOf(devPairs), devLimit, a.seed);
  const evalDir = join(outDir, 'eval-model');
  const knownWords = knownSourceWords(trainExamples);
  const beam = num('beam', 4);
  const pairs = DIRECTIONS.map((d) => ({ source: d.source, target: d.target }));
  const { subword: _s, noise: _n, ...seq2seq } = cfg;

  let trainingSummary: Record<string, unknown> = {};
  let devScores: Record<string, unknown> = {};
  if (!a.rest['export-only']) {
    const train = trainExamples.map((e) => toSample(e, tok)).filter((s) => s.src.length <= cfg.maxPositions);
    const tokens = train.reduce((n, s) => n + s.src.length + s.tgtOut.length, 0);
    console.log(
      `train: ${train.length} examples (${DIRECTIONS.length} directions), ${(tokens / train.length).toFixed(1)} pieces/example; ` +
        `model d=${cfg.dModel} ${cfg.encoderLayers}+${cfg.decoderLayers} layers, ${cfg.heads} heads, ffn ${cfg.ffnSize}, vocab ${cfg.vocab}`,
    );
    const t0 = performance.now();
    const res = await trainLoop({
      model,
      spec: mtModelSpec(cfg),
      threads: a.threads || 1,
      train,
      lengthOf: (s) => s.src.length + s.tgtOut.length,
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
      title: `mt en<>es Transformer ${cfg.encoderLayers}+${cfg.decoderLayers}x${cfg.dModel} (${backend.name})`,
      extra: { model: seq2seq, command },
      metric: 'devChrf',
      higherIsBetter: true,
      evaluate: async ({ step }) => {
        const t = performance.now();
        exportMtModel(evalDir, seq2seq, model.params.getWeights(), subword, knownWords, {
          id: 'mt-eval',
          pairs,
        });
        const scores = await scoreModelDir(evalDir, devExamples, { beamSize: 1 });
        const flat: Record<string, number> = { devChrf: meanChrf(scores) };
        for (const [k, s] of Object.entries(scores)) flat[`devChrf_${k}`] = s.chrf;
        process.stderr.write(
          `\n[eval] step ${step}: dev chrF ${JSON.stringify(flat)} (${((performance.now() - t) / 1000).toFixed(1)} s)\n`,
        );
        return flat;
      },
    });
    trainingSummary = {
      steps: res.steps,
      secondsPerStep: Number(res.secondsPerStep.toFixed(3)),
      minutes: Number(((performance.now() - t0) / 60000).toFixed(1)),
      backend: backend.name,
      threads: a.threads || 1,
      best: res.best,
      batchSize: a.batchSize,
      optimizer: a.optimizer,
      schedule: a.schedule,
      noise: cfg.noise,
      placeholderRate,
      trainExamples: train.length,
    };
  }

  const bestDir = existsSync(join(outDir, 'best', 'state.json'))
    ? join(outDir, 'best')
    : join(outDir, 'last');
  const ck = loadCheckpoint(bestDir);
  model.params.setWeights(ck.params);
  if (a.rest['export-only']) trainingSummary = { checkpointStep: ck.meta.step, evals: ck.meta.evals.length };
  rmSync(evalDir, { recursive: true, force: true });

  const data = {
    dir: dataDir,
    train: summarize(trainPairs),
    dev: summarize(devPairs),
    test: summarize(testPairs),
    source: 'ASR-style (src_spoken / tgt_spoken) with injected recognition errors; target written',
  };
  const extras = { id: 'mt', pairs, decoding: { beamSize: beam } };
  exportMtModel(modelDir, seq2seq, model.params.getWeights(), subword, knownWords, extras);
  const devFull = await scoreModelDir(modelDir, devExamples, { beamSize: 1 });
  devScores = { greedy: devFull, sentencesPerDirection: devLimit };
  console.log(`dev (greedy, ${devLimit}/direction): ${JSON.stringify(devFull)}`);
  const testLimit = num('test-limit', 0);
  const testExamples = testLimit
    ? pickPerDirection(examplesOf(testPairs), testLimit, a.seed)
    : examplesOf(testPairs);
  const test = await scoreModelDir(modelDir, testExamples, { beamSize: beam });
  console.log(`test (beam ${beam}, ASR-style source): ${JSON.stringify(test)}`);
  exportMtModel(modelDir, seq2seq, model.params.getWeights(), subword, knownWords, {
    ...extras,
    training: { command, data, checkpoint: bestDir, ...trainingSummary },
    evaluation: {
      dev: devScores,
      test: { beam, source: 'src_spoken / tgt_spoken of the held-out test', scores: test },
    },
  });
  console.log(`exported ${modelDir} (${ck.meta.step} steps)`);
}

/** Up to `limit` examples of each direction, a seeded sample (the same one at every evaluation). */
function pickPerDirection(examples: TextExample[], limit: number, seed: number): TextExample[] {
  const rng = new Rng(seed * 131 + 7);
  const out: TextExample[] = [];
  for (const d of DIRECTIONS) {
    const mine = examples.filter((e) => e.sourceLang === d.source && e.targetLang === d.target);
    out.push(...rng.shuffle([...mine]).slice(0, limit));
  }
  return out;
}

function summarize(pairs: CorpusPair[]): { pairs: number; templates: number } {
  return { pairs: pairs.length, templates: new Set(pairs.map((p) => p.template)).size };
}
