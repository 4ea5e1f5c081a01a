/**
 * Builds the server's MT router from what is installed: the neural engine as primary when its
 * model folder exists (`models/mt/` or `models/mt-<src>-<tgt>/`), apertium as fallback when it
 * is installed. What could not be loaded is
 * returned as notes (for the log and readiness output), not thrown: a server with only one
 * engine still translates, and says which one in every result.
 */
import type { Registry } from 'prom-client';
import type { OnnxRuntimeOptions, OnnxSessionCache } from '../../../models/onnx-session.ts';
import type { Config } from '../../config.ts';
import { toPipelineError } from '../../errors.ts';
import type { ApertiumEngineOptions } from './apertium-engine.ts';
import type { LanguagePair, MtEngine } from './engine.ts';
import { type Glossary, loadGlossaryFile } from './glossary.ts';
import { createMtMetrics } from './metrics.ts';
import { loadMtEngine } from './registry.ts';
import { MtRouter, type MtRouterOptions } from './router.ts';

export interface CreateMtRouterOptions
  extends Omit<MtRouterOptions, 'primary' | 'fallback' | 'glossary' | 'metrics'> {
  modelsDir: string;
  pairs?: LanguagePair[];
  /** Per-deployment glossary file (JSON, see docs/mt.md). */
  glossaryFile?: string;
  registry?: Registry;
  apertium?: ApertiumEngineOptions;
  /** The neural engine's ONNX sessions: the server's shared cache, or runtime options for its own. */
  onnx?: { sessions?: OnnxSessionCache; runtime?: OnnxRuntimeOptions };
}

export interface CreatedMtRouter {
  router: MtRouter;
  /** One line per engine that is not loaded, with the reason. */
  notes: string[];
}

/** The router settings of the server's config (what sessions get; eval's `served` uses the same). */
export function routerOptionsFromConfig(config: Config) {
  return {
    modelsDir: config.models.dir,
    glossaryFile: config.mt.glossaryFile,
    minConfidence: config.mt.minConfidence,
    maxOovRate: config.mt.maxOovRate,
    dictionaryTerms: config.mt.dictionaryTerms,
    maxChars: config.mt.maxChars,
    primaryTimeoutMs: config.mt.primaryTimeoutMs,
    fallbackTimeoutMs: config.mt.fallbackTimeoutMs,
  } satisfies CreateMtRouterOptions;
}

const DEFAULT_PAIRS: LanguagePair[] = [
  { source: 'en', target: 'es' },
  { source: 'es', target: 'en' },
];

export async function createMtRouter(options: CreateMtRouterOptions): Promise<CreatedMtRouter> {
  const pairs = options.pairs ?? DEFAULT_PAIRS;
  const notes: string[] = [];
  const tryLoad = async (name: 'neural' | 'apertium'): Promise<MtEngine | null> => {
    try {
      return await loadMtEngine(name, {
        modelsDir: options.modelsDir,
        pairs,
        apertium: options.apertium,
        neural: options.onnx,
      });
    } catch (err) {
      notes.push(`${name} MT engine not loaded: ${toPipelineError(err, 'mt').message}`);
      return null;
    }
  };
  const [primary, fallback] = await Promise.all([tryLoad('neural'), tryLoad('apertium')]);
  // A broken glossary file is a configuration error: fail start-up rather than ignore terms.
  let glossary: Glossary | undefined;
  try {
    glossary = options.glossaryFile ? await loadGlossaryFile(options.glossaryFile) : undefined;
  } catch (err) {
    await Promise.all([primary?.close(), fallback?.close()]);
    throw err;
  }
  const router = new MtRouter({
    ...options,
    primary,
    fallback,
    glossary,
    metrics: createMtMetrics(options.registry),
  });
  return { router, notes };
}
