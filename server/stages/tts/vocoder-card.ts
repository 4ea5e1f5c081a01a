/**
 * model.json of a neural vocoder (`models/vocoder-<voice>/`), written by
 * scripts/train/vocoder/export-vocoder.ts and checked here when the server loads it.
 *
 * Graph (ONNX, dynamic batch and length): `mel` float [B,T,numMelBins], natural-log mel power
 * exactly as server/audio/log-mel.ts computes it (and the acoustic model emits) → `real`,
 * `imag` float [B,T,fftSize/2 + 1]: the complex STFT frame t, uncentred framing (frame t
 * starts at sample t·hop, periodic Hann window of `windowSamples` zero-padded to `fftSize`),
 * which server/audio/stft.ts's (streaming) iSTFT turns into audio. Output frame t depends on
 * input frames t ± `model.receptiveFieldFrames` only (zero padding at the utterance ends).
 */
import { z } from 'zod';

export const VOCODER_INPUT = 'mel';
export const VOCODER_OUTPUTS = ['real', 'imag'] as const;

export const vocoderCardSchema = z
  .object({
    id: z.string(),
    kind: z.literal('vocoder'),
    version: z.union([z.string(), z.number()]),
    /** The voice's language(s): a TTS voice of that language picks this vocoder. */
    languages: z.array(z.string()).min(1),
    audio: z
      .object({
        sampleRate: z.number().int().positive(),
        hopSamples: z.number().int().positive(),
        numMelBins: z.number().int().positive(),
        fftSize: z.number().int().positive(),
        windowSamples: z.number().int().positive(),
      })
      .loose(),
    model: z
      .object({
        architecture: z.literal('vocos'),
        receptiveFieldFrames: z.number().int().nonnegative(),
      })
      .loose(),
    graphs: z.object({ vocoder: z.string() }),
    training: z.record(z.string(), z.unknown()),
    evaluation: z.record(z.string(), z.unknown()),
  })
  .loose();

export type VocoderCard = z.infer<typeof vocoderCardSchema>;
