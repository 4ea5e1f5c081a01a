/**
 * Starting a recognizer run from a shipped model (`--init-from models/asr-en`): its weights are
 * read back from model.onnx (ONNX is the single source of truth) and its feature normalisation
 * from model.json. When the new run's alphabet differs (English → Spanish), the CTC output layer
 * is mapped token by token: shared tokens keep their column, a new accented letter starts from
 * its base letter's column (á from a, ñ from n), so the LSTM stack's knowledge carries over.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AsrFeatureConfig } from '../../../server/stages/asr/features.ts';
import { importOnnxModel } from '../../export/import.ts';
import { type NamedWeight, toWeightMap } from '../../export/weights.ts';

export interface BaseAsrModel {
  dir: string;
  features: AsrFeatureConfig;
  units: number;
  layers: number;
  vocabulary: string[];
  training: Record<string, unknown> | undefined;
  weights: Map<string, NamedWeight>;
}

export async function loadBaseAsrModel(dir: string): Promise<BaseAsrModel> {
  const card = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
    kind: string;
    features: AsrFeatureConfig;
    vocabulary: string[];
    model: { units: number; layers: number };
    training?: Record<string, unknown>;
  };
  if (card.kind !== 'asr') throw new Error(`${dir}: model.json kind is "${card.kind}", expected "asr"`);
  const imported = await importOnnxModel(join(dir, 'model.onnx'));
  return {
    dir,
    features: card.features,
    units: card.model.units,
    layers: card.model.layers,
    vocabulary: card.vocabulary,
    training: card.training,
    weights: toWeightMap(imported.weights),
  };
}

/** The letter an accented character falls back to ("á" → "a", "ñ" → "n"); itself otherwise. */
function baseLetter(token: string): string {
  return token.normalize('NFD').replace(/\p{M}/gu, '');
}

/**
 * Re-maps the output layer (`output/kernel` [units, V], `output/bias` [V]) from the base
 * alphabet to `tokens`. Returns the mapped weights and the tokens that had no source column
 * (left at zero, i.e. they start as the least likely class).
 */
export function adaptOutputToVocabulary(
  weights: ReadonlyMap<string, NamedWeight>,
  baseTokens: readonly string[],
  tokens: readonly string[],
): { weights: Map<string, NamedWeight>; unmapped: string[] } {
  const kernel = weights.get('output/kernel');
  const bias = weights.get('output/bias');
  if (!kernel || !bias) throw new Error('base model has no output/kernel and output/bias');
  const [units, baseV] = kernel.shape;
  if (baseV !== baseTokens.length)
    throw new Error(`output/kernel has ${baseV} columns but the base vocabulary ${baseTokens.length}`);
  const V = tokens.length;
  const k = new Float32Array(units * V);
  const b = new Float32Array(V).fill(-10);
  const unmapped: string[] = [];
  tokens.forEach((t, j) => {
    let src = baseTokens.indexOf(t);
    if (src < 0) src = baseTokens.indexOf(baseLetter(t));
    if (src < 0) {
      unmapped.push(t);
      return;
    }
    for (let u = 0; u < units; u++) k[u * V + j] = kernel.data[u * baseV + src];
    b[j] = bias.data[src];
  });
  const out = new Map(weights);
  out.set('output/kernel', { name: 'output/kernel', shape: [units, V], data: k });
  out.set('output/bias', { name: 'output/bias', shape: [V], data: b });
  return { weights: out, unmapped };
}
