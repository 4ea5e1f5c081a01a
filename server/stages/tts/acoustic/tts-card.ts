/**
 * model.json of a TTS acoustic model (`models/tts-<lang>/`), written by
 * scripts/train/tts/export-tts.ts and checked here when the server loads it.
 *
 * Graphs (ONNX, dynamic batch and length; a batch must hold equal-length rows, there is no mask):
 * - encoder: `symbols` int64 [B,N] → `hidden` float [B,N,d] (predicted pitch and energy already
 *   embedded and added), `log_durations` [B,N] = predicted ln(1 + frames), `pitch`, `energy`
 *   [B,N] (normalised with `prosody`).
 * - decoder: `frames` float [B,T,d] = `hidden` rows repeated by the durations, WITHOUT positions
 *   (the graph adds the sinusoidal positions itself), T a multiple of `model.reduction` (pad by
 *   repeating the last row, as training did) → `mel` [B,T,numMelBins], natural-log mel power as
 *   server/audio/log-mel.ts computes it. With `model.frameProgress`, also `progress` float
 *   [B,T,3] = length-regulator.ts frameProgress of the same durations.
 */
import { z } from 'zod';

export const TTS_ENCODER_INPUT = 'symbols';
export const TTS_DECODER_INPUT = 'frames';
export const TTS_DECODER_PROGRESS_INPUT = 'progress';

export const ttsCardSchema = z
  .object({
    id: z.string(),
    kind: z.literal('tts'),
    version: z.union([z.string(), z.number()]),
    languages: z.array(z.enum(['en', 'es'])).length(1),
    /** The symbol list the encoder was trained on (server/stages/tts/symbols.ts symbolSet). */
    symbols: z.array(z.string()).min(3),
    audio: z
      .object({
        sampleRate: z.number().int().positive(),
        hopSamples: z.number().int().positive(),
        numMelBins: z.number().int().positive(),
      })
      .loose(),
    model: z
      .object({
        dModel: z.number().int().positive(),
        heads: z.number().int().positive(),
        encoderLayers: z.number().int().nonnegative(),
        decoderLayers: z.number().int().nonnegative(),
        /** Frames per decoder step; the decoder input length must be a multiple of it. */
        reduction: z.number().int().min(1).max(2).default(1),
        /** The decoder takes each frame's place inside its symbol as a second input. */
        frameProgress: z.boolean().default(false),
      })
      .loose(),
    /** How `log_durations` maps to frames: ln(1 + frames). */
    durations: z.object({ target: z.literal('log1p-frames') }),
    prosody: z.object({
      pitchMeanHz: z.number(),
      pitchStdHz: z.number(),
      energyMean: z.number(),
      energyStd: z.number(),
    }),
    graphs: z.object({ encoder: z.string(), decoder: z.string() }),
    vocoder: z.object({ kind: z.string() }).loose(),
    training: z.record(z.string(), z.unknown()),
    evaluation: z.record(z.string(), z.unknown()),
  })
  .loose();

export type TtsModelCard = z.infer<typeof ttsCardSchema>;
