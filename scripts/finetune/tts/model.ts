/**
 * The acoustic model as fine-tuned: the training model of `npm run train -- tts` (same weights,
 * same losses) started from the base voice's ONNX weights. With `freezeEncoder` the text
 * encoder — symbol embedding, encoder blocks and their final LayerNorm — is not trainable: what
 * a symbol sounds like in context is the language's, not the speaker's, so it stays the base's,
 * while the duration/pitch/energy predictors (the speaker's rhythm and melody), their
 * embeddings and the decoder (the speaker's timbre) adapt. Frozen weights are left out by the
 * optimizer, the gradient norm and the data-parallel workers, so they stay bit-identical.
 */
import type { FastSpeechModel } from '../../train/lib/models/fastspeech.ts';
import { createFastSpeechFromBase, loadBaseTtsModel } from '../../train/tts/init-from.ts';

export interface FinetuneTtsConfig {
  /** The base voice folder (initial weights; a worker thread reads them too). */
  baseDir: string;
  freezeEncoder: boolean;
  seed: number;
}

const ENCODER_WEIGHT = /^(embed|enc\d+|enc_ln)\//;

/** Names of the weights `freezeEncoder` freezes. */
export function encoderWeightNames(names: readonly string[]): string[] {
  return names.filter((n) => ENCODER_WEIGHT.test(n));
}

export async function createFinetuneTtsModel(config: FinetuneTtsConfig): Promise<FastSpeechModel> {
  const model = createFastSpeechFromBase(await loadBaseTtsModel(config.baseDir, config.seed));
  if (config.freezeEncoder)
    for (const name of encoderWeightNames(model.params.names())) model.params.get(name).trainable = false;
  return model;
}

/** The ModelSpec data-parallel workers build the same model from. */
export function finetuneTtsSpec(config: FinetuneTtsConfig) {
  return { module: import.meta.url, factory: 'createFinetuneTtsModel', config };
}
