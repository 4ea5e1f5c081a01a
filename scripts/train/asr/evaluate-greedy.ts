/**
 * Dev scoring during training: greedy CTC decoding of precomputed features with the tfjs model
 * (no ONNX, no LM), scored with the one WER/CER normalization and broken down by accent and SNR.
 * Cheap enough to run every few hundred steps; the shipped figures come from `npm run eval`.
 */
import * as tf from '@tensorflow/tfjs';
import { type AsrLanguage, type CharVocabulary, decodeIds } from '../../../server/stages/asr/vocabulary.ts';
import { type CorpusScore, scoreCorpus, snrBucket } from '../../eval/metrics/wer.ts';
import { ctcGreedyDecode } from '../lib/ctc.ts';
import { collateCtc, type LstmCtcModel } from '../lib/models/lstm-ctc.ts';
import type { AsrSample } from './dataset.ts';

export function greedyTranscripts(
  model: Pick<LstmCtcModel, 'forward'>,
  samples: readonly AsrSample[],
  inputSize: number,
  vocab: CharVocabulary,
  batchSize = 16,
): string[] {
  const hyps: string[] = [];
  for (let i = 0; i < samples.length; i += batchSize) {
    const batch = samples.slice(i, i + batchSize);
    tf.tidy(() => {
      const c = collateCtc(batch, inputSize);
      const ids = ctcGreedyDecode(model.forward(c.x).logits, c.inputLengths);
      for (const seq of ids) hyps.push(decodeIds(seq, vocab));
    });
  }
  return hyps;
}

export function scoreGreedy(
  model: Pick<LstmCtcModel, 'forward'>,
  samples: readonly AsrSample[],
  inputSize: number,
  vocab: CharVocabulary,
  lang: AsrLanguage,
): { score: CorpusScore; hyps: string[] } {
  const hyps = greedyTranscripts(model, samples, inputSize, vocab);
  const score = scoreCorpus(
    samples.map((s, i) => ({
      ref: s.text,
      hyp: hyps[i],
      groups: { accent: s.accent, snr: snrBucket(s.snrDb) },
    })),
    lang,
  );
  return { score, hyps };
}
