/**
 * `npm run bench -- asr [--seconds N] [--json]`: serving cost of the streaming recognizer
 * (features → ONNX acoustic model → greedy partials + incremental beam/LM), 160 ms chunks.
 *
 *  - RTF per stream with batch 1 (one stream, every chunk its own ORT call);
 *  - N streams (1, 8, 32, 100) pushing each 160 ms tick together, batched per tick through the
 *    engine's batcher, and the same N unbatched (each chunk its own call), to show what
 *    batching buys;
 *  - the acoustic model alone at batch N, to separate it from features and decoding.
 * From the batched figures it estimates how many real-time streams the cores sustain.
 * Uses models/asr-en when it exists, else a random model of the shipped shape (3×256, 29
 * classes), and says which. Writes reports/bench-asr.json.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnnxSessionCache } from '../../models/onnx-session.ts';
import { AsrEngine } from '../../server/stages/asr/engine.ts';
import {
  type AsrFeatureConfig,
  DEFAULT_PRIOR_FRAMES,
  DEFAULT_STACK,
} from '../../server/stages/asr/features.ts';
import { buildNgramLm } from '../../server/stages/asr/lm-builder.ts';
import { type AsrLanguage, createVocabulary } from '../../server/stages/asr/vocabulary.ts';
import { exportAsrModel } from '../train/asr/export-asr.ts';
import { type AsrModelConfig, createAsrInferenceModel } from '../train/asr/model.ts';
import type { LstmCtcModel } from '../train/lib/models/lstm-ctc.ts';

export interface RandomAsrModelOptions {
  units: number;
  layers: number;
  lang?: AsrLanguage;
  seed?: number;
  /** Sentences for lm.json; none → the card says `lm: null`. */
  lmLines?: readonly string[];
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
