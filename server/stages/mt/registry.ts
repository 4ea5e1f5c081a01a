/**
 * Loads an MT engine by name: apertium (Debian subprocesses) or the neural Transformer from
 * `models/mt/` (shared en⇄es model) or `models/mt-<src>-<tgt>/` (see neural/load.ts). A neural
 * model that is not built fails loudly instead of silently answering with something else.
 */
import type { OnnxRuntimeOptions, OnnxSessionCache } from '../../../models/onnx-session.ts';
import { type ApertiumEngineOptions, createApertiumEngine } from './apertium-engine.ts';
import type { EngineName, LanguagePair, MtEngine } from './engine.ts';
import { loadNeuralEngines } from './neural/load.ts';
import type { NeuralEngineOptions } from './neural/neural-engine.ts';

export { neuralModelId } from './neural/load.ts';

export interface LoadMtEngineOptions {
  /** Folder holding shipped models (config.models.dir). */
  modelsDir: string;
  /** Directions the caller needs. */
  pairs: LanguagePair[];
  apertium?: ApertiumEngineOptions;
  /** Neural engine: decoding overrides (e.g. greedy) and where its ONNX sessions come from. */
  neural?: NeuralEngineOptions & { sessions?: OnnxSessionCache; runtime?: OnnxRuntimeOptions };
}

export async function loadMtEngine(name: EngineName, options: LoadMtEngineOptions): Promise<MtEngine> {
  if (name === 'apertium') return createApertiumEngine({ ...options.apertium, pairs: options.pairs });
  return loadNeuralEngines(options.modelsDir, options.pairs, options.neural);
}
