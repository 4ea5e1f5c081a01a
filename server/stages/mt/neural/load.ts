/**
 * Finds and loads the neural MT model folders for the requested directions: the shared model
 * `models/mt/` (both directions, one set of graphs) and/or per-direction `models/mt-<src>-<tgt>/`.
 * Directions no folder serves are left to the fallback engine (router: primary_unsupported_pair).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PipelineError } from '../../../errors.ts';
import type { LanguagePair, MtEngine, TranslateOptions, TranslationResult } from '../engine.ts';
import { pairKey, supportsPair } from '../engine.ts';
import { type LoadNeuralEngineOptions, loadNeuralMtEngine, type NeuralMtEngine } from './neural-engine.ts';

export const SHARED_MT_FOLDER = 'mt';

/** Model folder id for one direction, e.g. "mt-en-es". */
export function neuralModelId(pair: LanguagePair): string {
  return `mt-${pair.source}-${pair.target}`;
}

/** Several one-direction engines behind one MtEngine. */
class PerPairEngine implements MtEngine {
  readonly name = 'neural' as const;
  constructor(private readonly engines: NeuralMtEngine[]) {}

  private pick(pair: LanguagePair): NeuralMtEngine {
    const e = this.engines.find((x) => supportsPair(x, pair));
    if (!e)
      throw new PipelineError('unsupported_language', 'mt', {
        message: `neural model has no ${pairKey(pair)}`,
      });
    return e;
  }

  languagePairs(): LanguagePair[] {
    return this.engines.flatMap((e) => e.languagePairs());
  }

  /** The engine that reads `source` (its word list decides what is unknown). */
  private reading(source: string): NeuralMtEngine | undefined {
    return this.engines.find((x) => x.languagePairs().some((p) => p.source === source));
  }

  outOfVocabularyRate(text: string, source: string): number {
    return this.reading(source)?.outOfVocabularyRate(text, source) ?? 1;
  }

  unknownWords(text: string, source: string): string[] {
    return this.reading(source)?.unknownWords(text, source) ?? [];
  }

  translate(text: string, options: TranslateOptions): Promise<TranslationResult> {
    return this.pick(options).translate(text, options);
  }

  async close(): Promise<void> {
    await Promise.all(this.engines.map((e) => e.close()));
  }
}

/** The folders that could serve `pairs`, in the order they are tried: shared first, then per direction. */
function candidateFolders(modelsDir: string, pairs: LanguagePair[]): string[] {
  return [SHARED_MT_FOLDER, ...pairs.map(neuralModelId)].map((id) => join(modelsDir, id));
}

/** The model folders present for `pairs`, in the order they are loaded. */
export function neuralModelFolders(modelsDir: string, pairs: LanguagePair[]): string[] {
  return candidateFolders(modelsDir, pairs).filter((dir) => existsSync(join(dir, 'model.json')));
}

export async function loadNeuralEngines(
  modelsDir: string,
  pairs: LanguagePair[],
  options: LoadNeuralEngineOptions = {},
): Promise<MtEngine> {
  const folders = neuralModelFolders(modelsDir, pairs);
  if (!folders.length) {
    const wanted = candidateFolders(modelsDir, pairs);
    throw new PipelineError('model_not_found', 'mt', {
      message: `neural MT model not built yet (${wanted.join(' and ')} missing); train it with \`npm run train -- mt\``,
      recoverable: false,
    });
  }
  const loaded: NeuralMtEngine[] = [];
  const covered = new Set<string>();
  try {
    for (const dir of folders) {
      const wantedHere = pairs.filter((p) => !covered.has(pairKey(p)));
      if (!wantedHere.length) break;
      const engine = await loadNeuralMtEngine(dir, options);
      if (!wantedHere.some((p) => supportsPair(engine, p))) {
        await engine.close();
        continue;
      }
      for (const p of engine.languagePairs()) covered.add(pairKey(p));
      loaded.push(engine);
    }
  } catch (err) {
    await Promise.all(loaded.map((e) => e.close()));
    throw err;
  }
  if (!loaded.length) {
    throw new PipelineError('model_not_found', 'mt', {
      message: `neural MT models in ${folders.join(', ')} serve none of ${pairs.map(pairKey).join(', ')}`,
      recoverable: false,
    });
  }
  return loaded.length === 1 ? loaded[0] : new PerPairEngine(loaded);
}
