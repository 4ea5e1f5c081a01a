/**
 * `start.model` naming a recognizer: that session's ASR runs on it instead of the language's
 * default, provided it recognizes the session's `source`. Other kinds of model are only echoed
 * in `ready.model`.
 */
import type { ModelEntry } from '../../models/registry.ts';
import { PipelineError } from '../errors.ts';
import { recognizerLanguage } from '../stages/asr/select-recognizers.ts';
import { baseLanguage, type PipelineEngines } from './pipeline-types.ts';

/** `unsupported_language` when the requested recognizer is for another language than `source`. */
export function checkRequestedRecognizer(model: ModelEntry, source: string): PipelineError | undefined {
  if (model.kind !== 'asr') return undefined;
  const lang = recognizerLanguage(model);
  if (lang === baseLanguage(source)) return undefined;
  return new PipelineError('unsupported_language', 'models', {
    message: `Model ${JSON.stringify(model.id)} recognizes "${lang}", not the session's source "${source}"`,
  });
}

/** The engines this session uses: the requested recognizer (loaded once, shared) for its source. */
export async function enginesWithRequestedRecognizer(
  engines: PipelineEngines,
  model: ModelEntry | undefined,
  source: string,
): Promise<PipelineEngines> {
  if (model?.kind !== 'asr' || !engines.asrModel) return engines;
  const recognizer = await engines.asrModel(model);
  const asr = new Map(engines.asr);
  asr.set(baseLanguage(source), recognizer);
  return { ...engines, asr };
}
