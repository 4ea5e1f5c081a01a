/**
 * The neural MT model's shared subword vocabulary: byte-pair merges over characters, with a
 * SentencePiece-style "▁" on pieces that start a word, so decoding is plain concatenation and
 * the text round-trips (up to runs of whitespace). One vocabulary serves both languages and
 * both sides (ASR-style sources, written targets); the trainer is scripts/train/mt/bpe-trainer.ts.
 *
 * Special tokens come first and are atomic: padding, unknown, end of sentence, one
 * target-language tag per language (the decoder's first token says which language to write)
 * and the glossary placeholders ZXQAA… (glossary.ts), which the model learns to copy.
 */
import { z } from 'zod';

export const PAD = '<pad>';
export const UNK = '<unk>';
export const EOS = '</s>';
export const WORD_START = '▁';
/** Placeholders the model is trained to copy (glossary.ts numbers them ZXQAA, ZXQAB, …). */
export const PLACEHOLDER_COUNT = 12;

export const subwordSpecSchema = z.object({
  kind: z.literal('bpe'),
  /** Every token, id = index: specials, then single characters, then merged pieces. */
  tokens: z.array(z.string()).min(4),
  /** Merge rules in priority order, each "left right". */
  merges: z.array(z.string()),
  languages: z.array(z.string()).min(1),
});
export type SubwordSpec = z.infer<typeof subwordSpecSchema>;

export function languageTag(lang: string): string {
  return `<2${lang}>`;
}

export function placeholderToken(index: number): string {
  return `ZXQ${String.fromCharCode(65 + Math.floor(index / 26))}${String.fromCharCode(65 + (index % 26))}`;
}

/** The specials of a vocabulary for `languages`, in id order. */
export function specialTokens(languages: readonly string[]): string[] {
  return [
    PAD,
    UNK,
    EOS,
    ...languages.map(languageTag),
    ...Array.from({ length: PLACEHOLDER_COUNT }, (_, i) => placeholderToken(i)),
  ];
}

/** Placeholders, letter runs, digit runs, then any single other non-space character. */
const PRE_TOKEN = /ZXQ[A-Z]{2}(?![\p{L}\p{N}])|\p{L}+|\p{N}+|[^\s\p{L}\p{N}]/gu;

/**
 * Splits text into pre-tokens; a pre-token that follows whitespace (or starts the text)
 * carries the word-start mark. Placeholders stay whole, without a mark (they are specials).
 */
export function preTokenize(text: string): { piece: string; special: boolean; spaced: boolean }[] {
  const out: { piece: string; special: boolean; spaced: boolean }[] = [];
  let last = 0;
  for (const m of text.normalize('NFC').matchAll(PRE_TOKEN)) {
    const spaced = m.index === 0 || /\s/u.test(text.slice(last, m.index)) || out.length === 0;
    const special = m[0].startsWith('ZXQ') && m[0].length === 5;
    out.push({ piece: special ? m[0] : (spaced ? WORD_START : '') + m[0], special, spaced });
    last = m.index + m[0].length;
  }
  return out;
}

export class SubwordTokenizer {
  readonly size: number;
  readonly padId: number;
  readonly unkId: number;
  readonly eosId: number;
  private readonly ids: Map<string, number>;
  private readonly ranks: Map<string, number>;
  /** Word → piece ids; bounded so a stream of odd input cannot grow it without end. */
  private readonly cache = new Map<string, number[]>();

  constructor(readonly spec: SubwordSpec) {
    this.ids = new Map(spec.tokens.map((t, i) => [t, i]));
    if (this.ids.size !== spec.tokens.length) throw new Error('subword vocabulary has duplicate tokens');
    this.ranks = new Map(spec.merges.map((m, i) => [m, i]));
    this.size = spec.tokens.length;
    this.padId = this.require(PAD);
    this.unkId = this.require(UNK);
    this.eosId = this.require(EOS);
  }

  private require(token: string): number {
    const id = this.ids.get(token);
    if (id === undefined) throw new Error(`subword vocabulary lacks ${token}`);
    return id;
  }

  tagId(lang: string): number | undefined {
    return this.ids.get(languageTag(lang));
  }

  idOf(token: string): number | undefined {
    return this.ids.get(token);
  }

  token(id: number): string {
    return this.spec.tokens[id] ?? UNK;
  }

  /** Text → piece ids (no end-of-sentence mark). */
  encode(text: string): number[] {
    const out: number[] = [];
    for (const p of preTokenize(text)) {
      if (p.special) {
        // A placeholder beyond the trained ones is unknown: the glossary then reports it lost.
        out.push(this.ids.get(p.piece) ?? this.unkId);
        continue;
      }
      for (const id of this.encodeWord(p.piece)) out.push(id);
    }
    return out;
  }

  /** Pieces of every word of `text`, for the out-of-vocabulary estimate. */
  encodeWords(text: string): number[][] {
    return preTokenize(text).map((p) =>
      p.special ? [this.ids.get(p.piece) ?? this.unkId] : this.encodeWord(p.piece),
    );
  }

  /** Piece ids → text; specials other than placeholders are dropped. */
  decode(ids: readonly number[]): string {
    let s = '';
    for (const id of ids) {
      const t = this.spec.tokens[id];
      if (t === undefined || id === this.padId || id === this.eosId || /^<.*>$/.test(t)) continue;
      s += t.startsWith('ZXQ') && t.length === 5 ? ` ${t}` : t;
    }
    return s.replaceAll(WORD_START, ' ').replace(/\s+/g, ' ').trim();
  }

  private encodeWord(word: string): number[] {
    const hit = this.cache.get(word);
    if (hit) return hit;
    let parts = [...word];
    // Classic BPE application: repeatedly merge the adjacent pair with the best rank.
    for (;;) {
      let best = -1;
      let bestRank = Number.POSITIVE_INFINITY;
      for (let i = 0; i + 1 < parts.length; i++) {
        const r = this.ranks.get(`${parts[i]} ${parts[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      parts = [...parts.slice(0, best), parts[best] + parts[best + 1], ...parts.slice(best + 2)];
    }
    const ids = parts.map((p) => this.ids.get(p) ?? this.unkId);
    if (this.cache.size >= 50_000) this.cache.clear();
    this.cache.set(word, ids);
    return ids;
  }
}
