/**
 * Which stages one session runs, from what the server loaded and the session's languages.
 * Each stage needs the one before it (MT translates ASR finals, TTS speaks translations); what
 * the server has but this session cannot run is listed with a reason for `ready.unavailable`.
 */
import type { Stage } from '../protocol/messages.ts';
import type { Lang } from '../text/number-words.ts';
import { baseLanguage, type PipelineEngines } from './pipeline-types.ts';

/** Languages the TTS text normaliser handles. */
const TTS_LANGS: readonly string[] = ['en', 'es'] satisfies Lang[];

export interface StagePlan {
  /** Stages this session runs (reported in `ready.stages`). */
  stages: Stage[];
  /** Stages the server has that this session cannot run, and why. */
  unavailable: { stage: Stage; code: string; message: string }[];
}

/** Which stages a session with this language pair runs, given what the server loaded. */
export function planStages(engines: PipelineEngines, source: string, target: string): StagePlan {
  const src = baseLanguage(source);
  const tgt = baseLanguage(target);
  const stages: Stage[] = ['frontend'];
  const unavailable: StagePlan['unavailable'] = [];
  const skip = (stage: Stage, code: string, message: string) => unavailable.push({ stage, code, message });
  const asrLangs = [...engines.asr.keys()];
  if (engines.asr.has(src)) stages.push('asr');
  else if (asrLangs.length) {
    skip('asr', 'unsupported_language', `no ASR model for "${source}" (have: ${asrLangs.join(', ')})`);
  }
  const pairs = engines.mt?.languagePairs() ?? [];
  const mtServes = pairs.some((p) => p.source === src && p.target === tgt);
  if (engines.mt && stages.includes('asr') && mtServes) stages.push('mt');
  else if (engines.mt) {
    skip(
      'mt',
      mtServes ? 'stage_failed' : 'unsupported_language',
      mtServes
        ? 'translation needs the ASR stage'
        : `no MT engine for ${src}-${tgt} (have: ${pairs.map((p) => `${p.source}-${p.target}`).join(', ') || 'none'})`,
    );
  }
  if (engines.tts.size) {
    if (stages.includes('mt') && engines.tts.has(tgt) && TTS_LANGS.includes(tgt)) stages.push('tts');
    else if (!engines.tts.has(tgt)) {
      skip(
        'tts',
        'unsupported_language',
        `no TTS voice for "${target}" (have: ${[...engines.tts.keys()].join(', ')})`,
      );
    } else skip('tts', 'stage_failed', 'speech needs the MT stage');
  }
  return { stages, unavailable };
}
