/**
 * The MT entry point sessions call. Guards the input, asks the primary engine (the neural
 * model, once built) and falls back to the secondary (apertium) when the primary is absent,
 * fails, times out, is unsure, sees too many unknown words, or loses a glossary term, and says
 * so in `fallback.reason`. Every engine call has a deadline.
 *
 * A sentence with a few words the primary never saw is first tried with those words looked
 * up in the fallback's dictionary and protected as terms (dictionary-terms.ts); if that answer
 * is unsure, a quick plain primary answer (decoded in the same batch) is judged next, then the
 * fallback answers.
 */
import { PipelineError, toPipelineError } from '../../errors.ts';
import { withDeadline } from './deadline.ts';
import { DictionaryCache, dictionaryTerms, unknownPhrases, withDictionaryTerms } from './dictionary-terms.ts';
import type {
  FallbackReason,
  LanguagePair,
  MtEngine,
  TranslateOptions,
  TranslationResult,
} from './engine.ts';
import { pairKey, supportsPair } from './engine.ts';
import { type Glossary, type GlossaryTerm, mergeGlossaries } from './glossary.ts';
import type { MtMetrics } from './metrics.ts';
import { sourceWords } from './neural/source-text.ts';

/** A sentence with more unknown phrases than this is too garbled for terms to rescue. */
const MAX_DICTIONARY_PHRASES = 4;
/** Terms only help: a dictionary slower than this (busy with other sessions) is skipped. */
const DICTIONARY_DEADLINE_MS = 250;
/**
 * Terms cost a dictionary round trip, a wider decode (the backup rides along) and an early
 * fallback answer; with more translations than this in flight they are skipped, so a busy
 * server keeps its latency (bench e2e, when terms still cost a second full decode: first audio
 * p95 at 16 streams 0.99 s with terms always on, 0.31 s without).
 */
const MAX_IN_FLIGHT_FOR_TERMS = 1;

export interface MtRouterOptions {
  primary?: MtEngine | null;
  fallback?: MtEngine | null;
  /** Primary results with confidence below this go to the fallback (default 0.5). */
  minConfidence?: number;
  /** Fall back when more than this share of source words is out of the primary's vocabulary (default 0.4). */
  maxOovRate?: number;
  /** Look up the primary's unknown words in the fallback's dictionary first (default true). */
  dictionaryTerms?: boolean;
  /** Longer input is refused with text_too_long (default 2000 characters). */
  maxChars?: number;
  /** Deadline for the primary; on expiry the fallback answers (default 2000 ms). */
  primaryTimeoutMs?: number;
  /** Deadline for the fallback; on expiry the call fails with `timeout` (default 5000 ms). */
  fallbackTimeoutMs?: number;
  /** Per-deployment terms; a call's own glossary (per session) is layered on top. */
  glossary?: Glossary;
  metrics?: MtMetrics;
}

/** Why the primary's answer is not used, with what it did produce (if anything). */
interface Decline {
  reason: FallbackReason;
  detail?: string;
  primaryResult?: TranslationResult;
  error?: unknown;
}
type PrimaryOutcome = { accepted: TranslationResult } | Decline;
/** The fallback's answer when it was started before the primary's was judged. */
interface HeadStart {
  fallback?: Promise<TranslationResult>;
}

export class MtRouter {
  private readonly primary: MtEngine | null;
  private readonly fallback: MtEngine | null;
  private readonly opts: Required<Omit<MtRouterOptions, 'primary' | 'fallback' | 'glossary' | 'metrics'>>;
  private readonly glossary?: Glossary;
  private readonly metrics?: MtMetrics;
  private readonly merged = new WeakMap<Glossary, Glossary>();
  private readonly dictionaryCache = new DictionaryCache();
  /** Translations in progress, across all sessions. */
  private inFlight = 0;

  constructor(options: MtRouterOptions) {
    this.primary = options.primary ?? null;
    this.fallback = options.fallback ?? null;
    this.glossary = options.glossary;
    this.metrics = options.metrics;
    this.opts = {
      minConfidence: options.minConfidence ?? 0.5,
      maxOovRate: options.maxOovRate ?? 0.4,
      dictionaryTerms: options.dictionaryTerms ?? true,
      maxChars: options.maxChars ?? 2000,
      primaryTimeoutMs: options.primaryTimeoutMs ?? 2000,
      fallbackTimeoutMs: options.fallbackTimeoutMs ?? 5000,
    };
  }

  /** Union of the directions either engine serves. */
  languagePairs(): LanguagePair[] {
    const seen = new Map<string, LanguagePair>();
    for (const e of [this.primary, this.fallback])
      for (const p of e?.languagePairs() ?? []) seen.set(pairKey(p), p);
    return [...seen.values()];
  }

  async translate(text: string, options: TranslateOptions): Promise<TranslationResult> {
    const pair: LanguagePair = { source: options.source, target: options.target };
    this.guard(text, pair);
    const call: TranslateOptions = { ...pair, glossary: this.glossaryFor(options.glossary) };
    this.inFlight++;
    try {
      return await this.route(text, call);
    } finally {
      this.inFlight--;
    }
  }

  private async route(text: string, call: TranslateOptions): Promise<TranslationResult> {
    const pair: LanguagePair = { source: call.source, target: call.target };
    const headStart: HeadStart = {};
    const decline = await this.tryPrimary(text, call, headStart);
    if ('accepted' in decline) return decline.accepted;

    if (!this.fallback || !supportsPair(this.fallback, pair)) {
      // Nothing to fall back to: an unsure primary answer still beats none (its confidence
      // is in the result); a failed primary is the caller's error.
      if (decline.primaryResult) return decline.primaryResult;
      if (decline.error) throw toPipelineError(decline.error, 'mt');
      throw new PipelineError('engine_unavailable', 'mt', {
        message: `no MT engine serves ${pairKey(pair)}`,
      });
    }
    const result = await (headStart.fallback ??
      this.run(this.fallback, text, call, this.opts.fallbackTimeoutMs));
    this.metrics?.fallbacks.inc({ reason: decline.reason });
    return {
      ...result,
      fallback: { reason: decline.reason, ...(decline.detail ? { detail: decline.detail } : {}) },
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.primary?.close(), this.fallback?.close()]);
  }

  private guard(text: string, pair: LanguagePair): void {
    if (typeof text !== 'string' || !text.trim()) throw new PipelineError('empty_text', 'mt');
    if (text.length > this.opts.maxChars) {
      throw new PipelineError('text_too_long', 'mt', {
        message: `text has ${text.length} characters; at most ${this.opts.maxChars}`,
      });
    }
    const served = [this.primary, this.fallback].some((e) => e && supportsPair(e, pair));
    if (!served) {
      throw new PipelineError('unsupported_language', 'mt', {
        message: `no MT engine for ${pairKey(pair)} (available: ${this.languagePairs().map(pairKey).join(', ') || 'none'})`,
      });
    }
  }

  private async tryPrimary(
    text: string,
    call: TranslateOptions,
    headStart: HeadStart,
  ): Promise<PrimaryOutcome> {
    const primary = this.primary;
    if (!primary) return { reason: 'primary_unavailable' };
    if (!supportsPair(primary, call)) return { reason: 'primary_unsupported_pair' };
    const oov = primary.outOfVocabularyRate?.(text, call.source);
    if (oov !== undefined && oov > this.opts.maxOovRate) {
      return { reason: 'out_of_vocabulary', detail: `${Math.round(oov * 100)}% of words unknown` };
    }
    const phrases = this.phrasesToLookUp(primary, text, call);
    if (!phrases.length) return this.askPrimary(primary, text, call);
    const terms = await this.lookUpTerms(phrases, call);
    // A sentence with unknown words is often declined; on an idle server the fallback's answer
    // is started now, on the other core (its own process), instead of after the decode.
    headStart.fallback = this.startFallback(text, call);
    if (!terms.length) return this.askPrimary(primary, text, call);
    // The answer with terms, backed by a quick plain answer (greedy: on dev as good as beam
    // here) in case that one is declined; decoded together when the primary can batch them.
    const { glossary, added } = withDictionaryTerms(call.glossary, terms, call);
    const [withTerms, plain] = await this.askPrimaryTwice(primary, text, [
      { ...call, glossary },
      { ...call, quick: true },
    ]);
    return 'accepted' in withTerms ? { accepted: withoutTermReport(withTerms.accepted, added) } : plain();
  }

  /**
   * Two primary answers: the first, and the second on demand. An engine that batches decodes
   * both at once (about the cost of one); otherwise the second is only asked for when wanted.
   */
  private async askPrimaryTwice(
    primary: MtEngine,
    text: string,
    [first, second]: [TranslateOptions, TranslateOptions],
  ): Promise<[PrimaryOutcome, () => Promise<PrimaryOutcome>]> {
    if (!primary.translateVariants) {
      return [await this.askPrimary(primary, text, first), () => this.askPrimary(primary, text, second)];
    }
    const translateVariants = primary.translateVariants.bind(primary);
    let results: TranslationResult[];
    try {
      results = await this.timed(primary, first, this.opts.primaryTimeoutMs, (signal) =>
        translateVariants(
          text,
          [first, second].map((o) => ({ ...o, signal })),
        ),
      );
    } catch (err) {
      const failed = this.primaryFailure(err);
      return [failed, async () => failed];
    }
    const backup = this.judge(results[1]);
    return [this.judge(results[0]), async () => backup];
  }

  /** The fallback's answer, started early; its failure is only seen if it is awaited. */
  private startFallback(text: string, call: TranslateOptions): Promise<TranslationResult> | undefined {
    if (!this.fallback || !supportsPair(this.fallback, call)) return undefined;
    const answer = this.run(this.fallback, text, call, this.opts.fallbackTimeoutMs);
    answer.catch(() => {});
    return answer;
  }

  /** The runs of the primary's unknown words worth a dictionary lookup; none when not wanted. */
  private phrasesToLookUp(primary: MtEngine, text: string, call: TranslateOptions): string[] {
    const fallback = this.fallback;
    if (!this.opts.dictionaryTerms || !fallback || !supportsPair(fallback, call)) return [];
    if (this.inFlight > MAX_IN_FLIGHT_FOR_TERMS) return [];
    const unknown = primary.unknownWords?.(text, call.source) ?? [];
    if (!unknown.length) return [];
    const phrases = unknownPhrases(sourceWords(text), new Set(unknown));
    return phrases.length > MAX_DICTIONARY_PHRASES ? [] : phrases;
  }

  /** The fallback's dictionary translations of `phrases`; none when it is slow or fails. */
  private async lookUpTerms(phrases: string[], call: TranslateOptions): Promise<GlossaryTerm[]> {
    const fallback = this.fallback;
    if (!fallback) return [];
    try {
      return await withDeadline(DICTIONARY_DEADLINE_MS, `${fallback.name} dictionary`, (signal) =>
        dictionaryTerms(
          phrases,
          fallback,
          { source: call.source, target: call.target, signal },
          this.dictionaryCache,
        ),
      );
    } catch {
      // The lookup only helps; without it the primary still answers on its own.
      return [];
    }
  }

  /** One primary call, judged: accepted, or why not (with what it produced). */
  private async askPrimary(primary: MtEngine, text: string, call: TranslateOptions): Promise<PrimaryOutcome> {
    try {
      return this.judge(await this.run(primary, text, call, this.opts.primaryTimeoutMs));
    } catch (err) {
      return this.primaryFailure(err);
    }
  }

  private primaryFailure(err: unknown): Decline {
    const e = toPipelineError(err, 'mt');
    return {
      reason: e.code === 'timeout' ? 'primary_timeout' : 'primary_failed',
      detail: e.message,
      error: e,
    };
  }

  /** A primary answer accepted, or why not. */
  private judge(result: TranslationResult): PrimaryOutcome {
    if (result.confidence !== undefined && result.confidence < this.opts.minConfidence) {
      return {
        reason: 'low_confidence',
        detail: `confidence ${result.confidence.toFixed(2)}`,
        primaryResult: result,
      };
    }
    if (result.glossary?.lost.length) {
      return { reason: 'glossary_term_lost', detail: result.glossary.lost.join(', '), primaryResult: result };
    }
    return { accepted: result };
  }

  private run(
    engine: MtEngine,
    text: string,
    call: TranslateOptions,
    timeoutMs: number,
  ): Promise<TranslationResult> {
    return this.timed(engine, call, timeoutMs, (signal) => engine.translate(text, { ...call, signal }));
  }

  /** One engine call under a deadline, timed into the latency metric. */
  private async timed<T>(
    engine: MtEngine,
    pair: LanguagePair,
    timeoutMs: number,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const started = performance.now();
    let outcome = 'ok';
    try {
      return await withDeadline(timeoutMs, `${engine.name} ${pairKey(pair)}`, work);
    } catch (err) {
      outcome = err instanceof PipelineError && err.code === 'timeout' ? 'timeout' : 'error';
      throw err;
    } finally {
      this.metrics?.latency.observe(
        { engine: engine.name, pair: pairKey(pair), outcome },
        (performance.now() - started) / 1000,
      );
    }
  }

  private glossaryFor(session: Glossary | undefined): Glossary | undefined {
    if (!session) return this.glossary;
    if (!this.glossary) return session;
    let merged = this.merged.get(session);
    if (!merged) this.merged.set(session, (merged = mergeGlossaries(this.glossary, session)));
    return merged;
  }
}

/** The glossary report as the caller knows it: dictionary terms are the router's own business. */
function withoutTermReport(result: TranslationResult, terms: readonly GlossaryTerm[]): TranslationResult {
  if (!result.glossary) return result;
  const ours = new Set(terms.map((t) => t.source.toLocaleLowerCase()));
  const keep = (list: string[]) => list.filter((s) => !ours.has(s.toLocaleLowerCase()));
  const glossary = { applied: keep(result.glossary.applied), lost: keep(result.glossary.lost) };
  const { glossary: _dropped, ...rest } = result;
  return glossary.applied.length || glossary.lost.length ? { ...rest, glossary } : rest;
}
