/**
 * model.json of a neural MT folder (`models/mt/` for the shared en⇄es model, or
 * `models/mt-<src>-<tgt>/` for a one-direction model): architecture, the subword vocabulary,
 * decoding defaults, and what training and evaluation measured. Validated at load.
 */
import { z } from 'zod';
import { subwordSpecSchema } from './subword.ts';

export const MT_ENCODER_FILE = 'encoder.onnx';
export const MT_DECODER_FILE = 'decoder.onnx';
export const MT_WORDS_FILE = 'words.json';

export const decodingSchema = z.object({
  /** 1 = greedy. */
  beamSize: z.number().int().min(1).max(16).default(4),
  /** GNMT length penalty α: scores are divided by ((5 + length) / 6)^α. */
  lengthPenalty: z.number().min(0).max(2).default(0.6),
  /** Max target pieces = ceil(ratio · source pieces) + extra (and never above maxTargetTokens). */
  maxLengthRatio: z.number().positive().default(2),
  maxLengthExtra: z.number().int().min(0).default(10),
  maxTargetTokens: z.number().int().positive().default(200),
  /** Longer sources (in pieces) are refused with text_too_long. */
  maxSourceTokens: z.number().int().positive().default(200),
});
export type DecodingOptions = z.infer<typeof decodingSchema>;

export const mtModelCardSchema = z
  .object({
    id: z.string(),
    kind: z.literal('mt'),
    languages: z.array(z.string()).min(2),
    pairs: z.array(z.object({ source: z.string(), target: z.string() })).min(1),
    model: z
      .object({
        vocab: z.number().int().positive(),
        dModel: z.number().int().positive(),
        heads: z.number().int().positive(),
        ffnSize: z.number().int().positive(),
        encoderLayers: z.number().int().positive(),
        decoderLayers: z.number().int().positive(),
        maxPositions: z.number().int().positive(),
      })
      .loose(),
    subword: subwordSpecSchema,
    decoding: decodingSchema.default(decodingSchema.parse({})),
  })
  .loose();
export type MtModelCard = z.infer<typeof mtModelCardSchema>;

/** Known source words per language (words.json), for the out-of-vocabulary estimate. */
export const knownWordsSchema = z.record(z.string(), z.array(z.string()));
