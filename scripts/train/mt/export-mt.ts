/**
 * Writes a model folder the neural engine loads (server/stages/mt/neural/neural-engine.ts):
 * encoder.onnx + decoder.onnx (export-graphs.ts), words.json (known source words) and
 * model.json (architecture, subword vocabulary, decoding defaults, training and evaluation).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type DecodingOptions,
  decodingSchema,
  MT_DECODER_FILE,
  MT_ENCODER_FILE,
  MT_WORDS_FILE,
} from '../../../server/stages/mt/neural/model-card.ts';
import type { SubwordSpec } from '../../../server/stages/mt/neural/subword.ts';
import type { Seq2SeqConfig } from '../lib/models/transformer-seq2seq.ts';
import type { WeightMap } from '../lib/params.ts';
import { buildMtGraphs } from './export-graphs.ts';

export interface MtCardExtras {
  id: string;
  pairs: { source: string; target: string }[];
  decoding?: Partial<DecodingOptions>;
  training?: Record<string, unknown>;
  evaluation?: Record<string, unknown>;
}

export function exportMtModel(
  dir: string,
  cfg: Seq2SeqConfig,
  weights: WeightMap,
  subword: SubwordSpec,
  knownWords: Record<string, string[]>,
  extras: MtCardExtras,
): Record<string, unknown> {
  mkdirSync(dir, { recursive: true });
  const graphs = buildMtGraphs(cfg, weights);
  writeFileSync(join(dir, MT_ENCODER_FILE), graphs.encoder);
  writeFileSync(join(dir, MT_DECODER_FILE), graphs.decoder);
  writeFileSync(join(dir, MT_WORDS_FILE), `${JSON.stringify(knownWords)}\n`);
  let parameters = 0;
  for (const w of weights.values()) parameters += w.data.length;
  const card = {
    id: extras.id,
    kind: 'mt',
    version: new Date().toISOString().slice(0, 10),
    languages: [...new Set(extras.pairs.flatMap((p) => [p.source, p.target]))],
    pairs: extras.pairs,
    model: {
      architecture: 'pre-norm Transformer encoder-decoder, tied embeddings, sinusoidal positions',
      vocab: cfg.vocab,
      dModel: cfg.dModel,
      heads: cfg.heads,
      ffnSize: cfg.ffnSize,
      encoderLayers: cfg.encoderLayers,
      decoderLayers: cfg.decoderLayers,
      maxPositions: cfg.maxPositions,
      parameters,
    },
    graphs: { encoder: MT_ENCODER_FILE, decoder: MT_DECODER_FILE, words: MT_WORDS_FILE },
    decoding: decodingSchema.parse(extras.decoding ?? {}),
    training: extras.training ?? {},
    evaluation: extras.evaluation ?? {},
    subword: subword,
  };
  writeFileSync(join(dir, 'model.json'), `${JSON.stringify(card, null, 2)}\n`);
  return card;
}
