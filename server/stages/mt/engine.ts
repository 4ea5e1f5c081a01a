/**
 * Contract of a machine-translation engine. An engine is loaded once (a subprocess, an ONNX
 * session) and shared by every session; `translate` must be safe to call concurrently.
 * The neural Transformer engine and apertium implement it; the router (router.ts) picks
 * between them per call.
 */
import type { Glossary } from './glossary.ts';

/** ISO 639-1 code, lower case ("en", "es"). */
export type LanguageCode = string;

export interface LanguagePair {
  source: LanguageCode;
  target: LanguageCode;
}

export type EngineName = 'neural' | 'apertium';

export interface TranslateOptions extends LanguagePair {
  /** Terms to protect and force (per-deployment merged with per-session); see glossary.ts. */
  glossary?: Glossary;
  /** Aborts the call (the router passes one carrying its deadline). */
  signal?: AbortSignal;
  /** A backup answer: the engine may trade quality for speed (the neural one decodes greedily). */
  quick?: boolean;
}

export type FallbackReason =
  /** No primary engine is loaded (e.g. the neural model is not built). */
  | 'primary_unavailable'
  /** The primary engine does not serve this language pair. */
  | 'primary_unsupported_pair'
  /** The primary threw (crash, bad model output). */
  | 'primary_failed'
  /** The primary did not answer before its deadline. */
  | 'primary_timeout'
  /** The primary's confidence was below the configured threshold. */
  | 'low_confidence'
  /** Too many source words are outside the primary's vocabulary. */
  | 'out_of_vocabulary'
  /** The primary dropped or duplicated a protected glossary term. */
  | 'glossary_term_lost';

export interface GlossaryReport {
  /** Source terms that were protected and restored in the output. */
  applied: string[];
  /** Source terms whose placeholder did not come back exactly once. */
  lost: string[];
}

export interface TranslationResult {
  text: string;
  engine: EngineName;
  /** In [0, 1]; engines that cannot estimate it (apertium) leave it out. */
  confidence?: number;
  /** Present when the router used the fallback engine instead of the primary. */
  fallback?: { reason: FallbackReason; detail?: string };
  /** Present when a glossary with matching terms was applied. */
  glossary?: GlossaryReport;
}

export interface MtEngine {
  readonly name: EngineName;
  translate(text: string, options: TranslateOptions): Promise<TranslationResult>;
  /**
   * The same text under several options of one language pair, in one pass (the neural engine
   * batches them); each result equals `translate` with its options.
   */
  translateVariants?(text: string, variants: readonly TranslateOptions[]): Promise<TranslationResult[]>;
  /** The directions this engine serves. */
  languagePairs(): LanguagePair[];
  /**
   * Share of source words (0..1) outside the engine's vocabulary. Engines with a closed
   * vocabulary (the neural one) implement it so the router can fall back before translating.
   */
  outOfVocabularyRate?(text: string, source: LanguageCode): number;
  /** The source words (ASR style, in order) the engine never saw in training. */
  unknownWords?(text: string, source: LanguageCode): string[];
  /** Frees subprocesses / sessions. Safe to call twice. */
  close(): Promise<void>;
}

export function pairKey(pair: LanguagePair): string {
  return `${pair.source}-${pair.target}`;
}

export function supportsPair(engine: MtEngine, pair: LanguagePair): boolean {
  return engine.languagePairs().some((p) => p.source === pair.source && p.target === pair.target);
}
