/**
 * Loads an MT engine by name. The apertium engine exists today; the neural engine will be
 * loaded from `models/mt-<src>-<tgt>/` once it is trained and exported. Until then asking for
 * it fails loudly instead of silently answering with something else.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PipelineError } from '../../errors.ts';
import { type ApertiumEngineOptions, createApertiumEngine } from './apertium-engine.ts';
import type { EngineName, LanguagePair, MtEngine } from './engine.ts';

export interface LoadMtEngineOptions {
  /** Folder holding shipped models (config.models.dir). */
  modelsDir: string;
  /** Directions the caller needs; the neural engine has one model folder per direction. */
  pairs: LanguagePair[];
  apertium?: ApertiumEngineOptions;
}

export async function loadMtEngine(name: EngineName, options: LoadMtEngineOptions): Promise<MtEngine> {
  if (name === 'apertium') return createApertiumEngine({ ...options.apertium, pairs: options.pairs });
  return loadNeuralEngine(options);
}

/** Model folder id for a direction, e.g. "mt-en-es". */
export function neuralModelId(pair: LanguagePair): string {
  return `mt-${pair.source}-${pair.target}`;
}

async function loadNeuralEngine(options: LoadMtEngineOptions): Promise<MtEngine> {
  for (const pair of options.pairs) {
    const dir = join(options.modelsDir, neuralModelId(pair));
    if (!existsSync(join(dir, 'model.json'))) {
      throw new PipelineError('model_not_found', 'mt', {
        message: `neural MT model not built yet (${dir} missing); train it with \`npm run train -- mt\``,
        recoverable: false,
      });
    }
  }
  // The folders exist but the ONNX encoder/decoder loader is not written yet (issue 7).
  throw new PipelineError('model_load_failed', 'mt', {
    message: 'neural MT model folders found, but the neural MT loader is not implemented yet',
    recoverable: false,
  });
}
