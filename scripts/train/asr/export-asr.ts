/**
 * Writes a trained recognizer as a shipped model folder: `model.onnx` (streaming graph:
 * stacked features + LSTM states in, logits + states out, dynamic batch and time), the domain
 * LM (`lm.json`) and `model.json` with features, vocabulary, data and training figures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AsrFeatureConfig } from '../../../server/stages/asr/features.ts';
import type { CharVocabulary } from '../../../server/stages/asr/vocabulary.ts';
import { buildSequentialModel, type LayerSpec } from '../../export/sequential.ts';
import { weightsFromMap } from '../../export/weights.ts';
import { writeOnnxModel } from '../../export/write-model.ts';
import type { WeightMap } from '../lib/params.ts';
import type { AsrModelConfig } from './model.ts';

export interface AsrModelCard {
  id: string;
  kind: 'asr';
  version: string;
  languages: string[];
  features: AsrFeatureConfig;
  vocabulary: string[];
  model: { units: number; layers: number; inputSize: number; vocab: number; parameters: number };
  lm: { file: string; order: number; sentences: number } | null;
  training: Record<string, unknown>;
  evaluation: Record<string, unknown>;
}

export function asrLayerSpecs(cfg: AsrModelConfig): LayerSpec[] {
  const layers: LayerSpec[] = [];
  for (let i = 0; i < cfg.layers; i++)
    layers.push({ type: 'lstm', name: `lstm${i}`, recurrentActivation: 'sigmoid' });
  layers.push({ type: 'dense', name: 'output' });
  return layers;
}

export async function exportAsrModel(
  dir: string,
  weights: WeightMap,
  cfg: AsrModelConfig,
  card: Omit<AsrModelCard, 'model'>,
  vocab: CharVocabulary,
): Promise<AsrModelCard> {
  mkdirSync(dir, { recursive: true });
  const { bytes } = buildSequentialModel(
    {
      name: card.id,
      inputFeatures: cfg.inputSize,
      layers: asrLayerSpecs(cfg),
      metadata: { 'tolk.kind': 'asr', 'tolk.vocabulary': JSON.stringify(vocab.tokens) },
    },
    weightsFromMap(weights),
  );
  await writeOnnxModel(dir, bytes);
  let parameters = 0;
  for (const w of weights.values()) parameters += w.data.length;
  const full: AsrModelCard = {
    ...card,
    model: { units: cfg.units, layers: cfg.layers, inputSize: cfg.inputSize, vocab: cfg.vocab, parameters },
  };
  writeFileSync(join(dir, 'model.json'), `${JSON.stringify(full, null, 2)}\n`);
  return full;
}
