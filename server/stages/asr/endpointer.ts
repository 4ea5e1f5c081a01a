/**
 * Endpoint detection for one utterance, as a pure function of counts in ms. It combines the
 * front-end's VAD hangover event (speech_end) with sherpa-onnx's trailing-blank rules, so an
 * utterance ends even when the VAD keeps hearing noise:
 *  - rule1: long trailing silence and nothing decoded yet (give up on a noise-only segment);
 *  - rule2: shorter trailing silence after some text was decoded (the speaker paused);
 *  - rule3: the utterance reached its maximum length (cut, however long the speech).
 * A rule fires when all its conditions hold; the first one that fires is reported.
 */
export interface EndpointRule {
  /** The rule applies only once some text was decoded. */
  mustContainNonSilence: boolean;
  /** Trailing CTC blanks (silence as the model hears it) needed, in ms; 0 = no condition. */
  minTrailingSilenceMs: number;
  /** Utterance length needed, in ms; 0 = no condition. */
  minUtteranceMs: number;
}

export interface EndpointConfig {
  rule1: EndpointRule;
  rule2: EndpointRule;
  rule3: EndpointRule;
  /** End the utterance as soon as the VAD's hangover closes it (speech_end). */
  useVad: boolean;
}

/** sherpa-onnx's defaults (2.4 s / 1.2 s / 20 s) plus the VAD event. */
export const DEFAULT_ENDPOINT_CONFIG: EndpointConfig = {
  rule1: { mustContainNonSilence: false, minTrailingSilenceMs: 2400, minUtteranceMs: 0 },
  rule2: { mustContainNonSilence: true, minTrailingSilenceMs: 1200, minUtteranceMs: 0 },
  rule3: { mustContainNonSilence: false, minTrailingSilenceMs: 0, minUtteranceMs: 20_000 },
  useVad: true,
};

export interface EndpointInput {
  /** Audio decoded in this utterance so far. */
  utteranceMs: number;
  /** Trailing blank frames × frame shift (from the greedy decoder). */
  trailingSilenceMs: number;
  /** The decoder emitted at least one non-blank token in this utterance. */
  hasText: boolean;
  /** The VAD closed the utterance (its hangover elapsed). */
  vadSpeechEnded: boolean;
}

export type EndpointReason = 'vad' | 'rule1' | 'rule2' | 'rule3';

export interface EndpointDecision {
  endpoint: boolean;
  reason: EndpointReason | null;
  /** True when the utterance ends with nothing decoded: the caller drops it, sends no final. */
  empty: boolean;
}

export function ruleFires(rule: EndpointRule, input: EndpointInput): boolean {
  if (rule.mustContainNonSilence && !input.hasText) return false;
  if (rule.minTrailingSilenceMs > 0 && input.trailingSilenceMs < rule.minTrailingSilenceMs) return false;
  if (rule.minUtteranceMs > 0 && input.utteranceMs < rule.minUtteranceMs) return false;
  // A rule with no conditions at all would end every utterance at once; treat it as disabled.
  return rule.minTrailingSilenceMs > 0 || rule.minUtteranceMs > 0;
}

export function detectEndpoint(
  input: EndpointInput,
  config: EndpointConfig = DEFAULT_ENDPOINT_CONFIG,
): EndpointDecision {
  const empty = !input.hasText;
  if (config.useVad && input.vadSpeechEnded) return { endpoint: true, reason: 'vad', empty };
  for (const reason of ['rule1', 'rule2', 'rule3'] as const) {
    if (ruleFires(config[reason], input)) return { endpoint: true, reason, empty };
  }
  return { endpoint: false, reason: null, empty };
}
