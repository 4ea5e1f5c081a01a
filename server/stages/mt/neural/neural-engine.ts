/**
 * The Transformer encoder–decoder as an MtEngine. One shared model serves every direction it
 * was trained for (the decoder's first token is the target-language tag). Each call: guard the
 * input, protect glossary terms with placeholders, bring the text to ASR style, encode once,
 * beam (or greedy) search over cached decoder steps, decode the pieces, restore the terms.
 * `confidence` is exp(mean log-probability per output piece); the router falls back below its
 * threshold, and before translating when too many source words were never seen in training.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type OnnxRuntimeOptions, OnnxSessionCache } from '../../../../models/onnx-session.ts';
import { PipelineError } from '../../../errors.ts';
import type { LanguageCode, LanguagePair, MtEngine, TranslateOptions, TranslationResult } from '../engine.ts';
import { pairKey } from '../engine.ts';
import { protectTerms, withTermsRestored } from '../glossary.ts';
import {
  type DecodingOptions,
  knownWordsSchema,
  MT_DECODER_FILE,
  MT_ENCODER_FILE,
  MT_WORDS_FILE,
  type MtModelCard,
  mtModelCardSchema,
} from './model-card.ts';
import { OnnxSeq2Seq } from './onnx-seq2seq.ts';
import { confidenceOf, decodeTogether, type SearchOptions, stepwiseSearch } from './search.ts';
import { asrStyle, sourceWords } from './source-text.ts';
import { PLACEHOLDER_COUNT, placeholderToken, SubwordTokenizer } from './subword.ts';

/** Longer text is refused before tokenising (the router's own limit is usually lower). */
export const NEURAL_MAX_CHARS = 2000;

export interface SearchResult {
  text: string;
  ids: number[];
  score: number;
  confidence: number;
}

export interface NeuralEngineOptions {
  /** Overrides the card's decoding defaults (e.g. beamSize 1 for greedy). */
  decoding?: Partial<DecodingOptions>;
  maxChars?: number;
}

export class NeuralMtEngine implements MtEngine {
  readonly name = 'neural' as const;
  readonly decoding: DecodingOptions;
  private readonly maxChars: number;

  constructor(
    readonly card: MtModelCard,
    private readonly model: OnnxSeq2Seq,
    readonly tokenizer: SubwordTokenizer,
    private readonly knownWords: ReadonlyMap<string, ReadonlySet<string>>,
    private readonly onClose: () => Promise<void>,
    options: NeuralEngineOptions = {},
  ) {
    this.decoding = { ...card.decoding, ...options.decoding };
    this.maxChars = options.maxChars ?? NEURAL_MAX_CHARS;
  }

  languagePairs(): LanguagePair[] {
    return this.card.pairs.map((p) => ({ source: p.source, target: p.target }));
  }

  outOfVocabularyRate(text: string, source: LanguageCode): number {
    const words = sourceWords(text);
    return words.length ? this.unknownAmong(words, source).length / words.length : 0;
  }

  /** The source words (ASR style, in order, repeats kept) the model never saw in training. */
  unknownWords(text: string, source: LanguageCode): string[] {
    return this.unknownAmong(sourceWords(text), source);
  }

  private unknownAmong(words: string[], source: LanguageCode): string[] {
    const known = this.knownWords.get(source);
    // Without a word list, a word is unknown when a piece of it is outside the vocabulary.
    return words.filter((w) =>
      known ? !known.has(w) : this.tokenizer.encode(w).includes(this.tokenizer.unkId),
    );
  }

  async translate(text: string, options: TranslateOptions): Promise<TranslationResult> {
    const [result] = await this.translateVariants(text, [options]);
    return result;
  }

  /**
   * The same text under several options (glossaries, `quick`), all sources encoded in one
   * batch and all searches sharing each decoder step: one pass costs less than one call
   * per variant, and each result equals what `translate` gives for its options.
   */
  async translateVariants(text: string, variants: readonly TranslateOptions[]): Promise<TranslationResult[]> {
    if (!variants.length) return [];
    const pair = { source: variants[0].source, target: variants[0].target };
    if (variants.some((v) => v.source !== pair.source || v.target !== pair.target))
      throw new PipelineError('unsupported_language', 'mt', {
        message: 'variants must share one language pair',
      });
    if (!this.card.pairs.some((p) => p.source === pair.source && p.target === pair.target)) {
      throw new PipelineError('unsupported_language', 'mt', {
        message: `neural model has no ${pairKey(pair)} direction (has ${this.card.pairs.map(pairKey).join(', ')})`,
      });
    }
    if (typeof text !== 'string' || !text.trim()) throw new PipelineError('empty_text', 'mt');
    if (text.length > this.maxChars) {
      throw new PipelineError('text_too_long', 'mt', {
        message: `text has ${text.length} characters; the neural engine takes at most ${this.maxChars}`,
      });
    }
    const protectedTexts = variants.map((v) => protectTerms(text, v.glossary, pair));
    const hyps = await this.searchAll(
      protectedTexts.map((prot, i) => ({
        source: asrStyle(prot.text),
        decoding: variants[i].quick ? { beamSize: 1 } : {},
      })),
      pair.target,
      variants.find((v) => v.signal)?.signal,
    );
    return hyps.map((hyp, i) =>
      withTermsRestored(
        { text: hyp.text, engine: 'neural', confidence: Number(hyp.confidence.toFixed(4)) },
        protectedTexts[i],
      ),
    );
  }

  /** Source text (already ASR style) → best hypothesis; exposed for eval and tests. */
  async search(
    source: string,
    target: LanguageCode,
    signal?: AbortSignal,
    decoding: Partial<DecodingOptions> = {},
  ): Promise<SearchResult> {
    const [result] = await this.searchAll([{ source, decoding }], target, signal);
    return result;
  }

  /** Several sources (ASR style) into one target language, decoded side by side. */
  private async searchAll(
    jobs: readonly { source: string; decoding: Partial<DecodingOptions> }[],
    target: LanguageCode,
    signal?: AbortSignal,
  ): Promise<SearchResult[]> {
    const tok = this.tokenizer;
    const start = tok.tagId(target);
    if (start === undefined)
      throw new PipelineError('unsupported_language', 'mt', { message: `no tag for ${target}` });
    const sources = jobs.map((job) => {
      const d = { ...this.decoding, ...job.decoding };
      const ids = [...tok.encode(job.source), tok.eosId];
      if (ids.length > d.maxSourceTokens) {
        throw new PipelineError('text_too_long', 'mt', {
          message: `text has ${ids.length} subword pieces; the neural engine takes at most ${d.maxSourceTokens}`,
        });
      }
      const maxLength = Math.min(
        d.maxTargetTokens,
        this.card.model.maxPositions,
        Math.ceil(ids.length * d.maxLengthRatio) + d.maxLengthExtra,
      );
      const search: SearchOptions = {
        start,
        eos: tok.eosId,
        maxLength,
        beamSize: d.beamSize,
        lengthPenalty: d.lengthPenalty,
        banned: foreignPlaceholders(tok, ids),
      };
      return { ids, search };
    });
    if (signal?.aborted) throw new PipelineError('timeout', 'mt', { message: 'translation aborted' });
    const session = await this.model.startBatch(sources.map((s) => s.ids));
    const V = session.vocabSize;
    const hyps = await decodeTogether(
      session,
      sources.map((s) => stepwiseSearch(s.search, V)),
      signal,
    );
    return hyps.map((h) => ({
      text: tok.decode(h.ids),
      ids: h.ids,
      score: h.score,
      confidence: confidenceOf(h),
    }));
  }

  async close(): Promise<void> {
    await this.onClose();
  }
}

/**
 * Placeholders stand for the caller's glossary terms: the model may only write those present in
 * the source. Any other one would reach the user as "ZXQ.." text, so it is never written.
 */
function foreignPlaceholders(tok: SubwordTokenizer, sourceIds: readonly number[]): number[] {
  const present = new Set(sourceIds);
  const banned: number[] = [];
  for (let i = 0; i < PLACEHOLDER_COUNT; i++) {
    const id = tok.idOf(placeholderToken(i));
    if (id !== undefined && !present.has(id)) banned.push(id);
  }
  return banned;
}

export interface LoadNeuralEngineOptions extends NeuralEngineOptions {
  /** Shared session cache (the server's); without one the engine owns a private cache. */
  sessions?: OnnxSessionCache;
  /** Used when no cache is given; default CPU with one intra-op thread. */
  runtime?: OnnxRuntimeOptions;
}

function loadFailed(dir: string, detail: string, cause?: unknown): PipelineError {
  return new PipelineError('model_load_failed', 'mt', {
    message: `neural MT model ${dir}: ${detail}`,
    recoverable: false,
    cause,
  });
}

/** Loads one model folder (model.json, encoder.onnx, decoder.onnx, optional words.json). */
export async function loadNeuralMtEngine(
  dir: string,
  options: LoadNeuralEngineOptions = {},
): Promise<NeuralMtEngine> {
  let card: MtModelCard;
  try {
    card = mtModelCardSchema.parse(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')));
  } catch (err) {
    throw loadFailed(dir, `bad model.json: ${(err as Error).message}`, err);
  }
  const tokenizer = new SubwordTokenizer(card.subword);
  if (tokenizer.size !== card.model.vocab)
    throw loadFailed(
      dir,
      `subword vocabulary has ${tokenizer.size} tokens, model.vocab is ${card.model.vocab}`,
    );
  for (const p of card.pairs)
    if (tokenizer.tagId(p.target) === undefined)
      throw loadFailed(dir, `vocabulary has no tag for ${p.target}`);
  const known = new Map<string, Set<string>>();
  const wordsPath = join(dir, MT_WORDS_FILE);
  if (existsSync(wordsPath)) {
    const parsed = knownWordsSchema.parse(JSON.parse(readFileSync(wordsPath, 'utf8')));
    for (const [lang, words] of Object.entries(parsed)) known.set(lang, new Set(words));
  }
  const ownCache = options.sessions
    ? null
    : new OnnxSessionCache(options.runtime ?? { executionProviders: ['cpu'], intraOpThreads: 1 });
  const sessions = options.sessions ?? ownCache!;
  try {
    const model = await OnnxSeq2Seq.load(
      join(dir, MT_ENCODER_FILE),
      join(dir, MT_DECODER_FILE),
      sessions,
      card.model,
    );
    return new NeuralMtEngine(
      card,
      model,
      tokenizer,
      known,
      async () => {
        await ownCache?.dispose();
      },
      options,
    );
  } catch (err) {
    await ownCache?.dispose();
    throw err;
  }
}
