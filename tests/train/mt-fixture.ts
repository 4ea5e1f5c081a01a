/**
 * Tiny translation models built by the MT tests: a BPE vocabulary trained on a handful of
 * sentences, a random-weight TransformerSeq2Seq of real shape, exported to a temp model folder,
 * and an uncached DecodeSession over the tfjs model (the whole prefix recomputed each step).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../scripts/train/lib/backend.ts';
import {
  padIds,
  type Seq2SeqConfig,
  TransformerSeq2Seq,
} from '../../scripts/train/lib/models/transformer-seq2seq.ts';
import { trainBpe } from '../../scripts/train/mt/bpe-trainer.ts';
import { exportMtModel } from '../../scripts/train/mt/export-mt.ts';
import type { DecodeSession } from '../../server/stages/mt/neural/search.ts';
import { logSoftmaxRows } from '../../server/stages/mt/neural/search.ts';
import { SubwordTokenizer } from '../../server/stages/mt/neural/subword.ts';

export const SENTENCES = [
  'i would like to book a double room for two nights',
  'Quisiera reservar una habitación doble para dos noches.',
  'where is the train station',
  '¿Dónde está la estación de tren?',
  'the doctor will see you at 10:30',
  'El médico le atenderá a las 10:30.',
  'can i pay by card',
  '¿Puedo pagar con tarjeta?',
];

export async function useWasm(): Promise<void> {
  await initBackend({ prefer: 'wasm', announce: false });
}

export function tinyTokenizer(vocabSize = 120): SubwordTokenizer {
  return new SubwordTokenizer(trainBpe(SENTENCES, { vocabSize, languages: ['en', 'es'] }));
}

export function tinyConfig(tok: SubwordTokenizer, over: Partial<Seq2SeqConfig> = {}): Seq2SeqConfig {
  return {
    vocab: tok.size,
    dModel: 16,
    heads: 2,
    ffnSize: 32,
    encoderLayers: 2,
    decoderLayers: 2,
    maxPositions: 64,
    padId: tok.padId,
    seed: 5,
    ...over,
  };
}

/** Random weights scaled up so outputs are far from uniform (a sharper test of parity). */
export function tinyModel(cfg: Seq2SeqConfig, seed = 11): TransformerSeq2Seq {
  const model = new TransformerSeq2Seq(cfg);
  let k = 0;
  for (const [name, v] of model.params.entries()) {
    if (name.endsWith('/bias') || name.endsWith('/beta'))
      v.assign(tf.randomNormal(v.shape, 0, 0.2, 'float32', seed + k++));
    if (name === 'emb/embeddings') v.assign(tf.randomNormal(v.shape, 0, 0.6, 'float32', seed + k++));
  }
  return model;
}

export function exportTiny(model: TransformerSeq2Seq, tok: SubwordTokenizer, decoding = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'tolk-mt-'));
  exportMtModel(
    dir,
    model.config,
    model.params.getWeights(),
    tok.spec,
    { en: ['where', 'is', 'the', 'train', 'station'] },
    {
      id: 'mt',
      pairs: [
        { source: 'en', target: 'es' },
        { source: 'es', target: 'en' },
      ],
      decoding,
    },
  );
  return dir;
}

/** DecodeSession on the tfjs model that recomputes every prefix (no cache). */
export function uncachedSession(model: TransformerSeq2Seq, sourceIds: number[]): DecodeSession {
  const V = model.config.vocab;
  let prefixes: number[][] = [[]];
  return {
    vocabSize: V,
    async step(tokens, reorder) {
      const base = reorder
        ? reorder.map((r) => prefixes[r])
        : tokens.map((_, i) => prefixes[i] ?? prefixes[0]);
      prefixes = base.map((p, i) => [...p, tokens[i]]);
      const logits = tf.tidy(() => {
        const src = padIds(
          tokens.map(() => sourceIds),
          model.config.padId,
        );
        const { memory, memoryBias } = model.encode(src.ids, src.lengths);
        const tgt = padIds(prefixes, model.config.padId);
        const all = model.decode(tgt.ids, memory, memoryBias);
        const T = prefixes[0].length;
        return tf.slice(all, [0, T - 1, 0], [-1, 1, -1]).reshape([tokens.length, V]);
      });
      const data = (await logits.data()) as Float32Array;
      logits.dispose();
      return logSoftmaxRows(Float32Array.from(data), tokens.length, V);
    },
  };
}
