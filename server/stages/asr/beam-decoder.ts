/**
 * CTC prefix beam search (Hannun et al. 2014) in log space, streaming over chunks, with
 *  - word-level shallow fusion: when a space closes a word, add α·ln P_LM(word | history) + β;
 *  - hotword boosting through a HotwordTrie (per-token bonus, undone if the phrase breaks);
 *  - per-frame pruning: only the top-k characters above a log-prob cutoff extend a prefix,
 *    and frames where the blank is nearly certain only extend blanks.
 * Each prefix is a node of a prefix tree, so a text exists once and its LM/hotword scores
 * (which depend only on the text) are computed once, when the node is created.
 *
 * Confidence: the final beam's total scores are turned into posteriors with a softmax; a
 * word's confidence is the posterior mass of the hypotheses that have the same word at the
 * same position, and the utterance confidence is the mean over words (the best hypothesis's
 * posterior when it has no words). 1 means every surviving hypothesis agrees.
 */
import { type LogProbMatrix, logAddExp, type WordTiming } from './ctc-types.ts';
import type { HotwordState, HotwordTrie } from './hotwords.ts';
import { EOS_ID, type LmState, type NgramLm } from './ngram-lm.ts';
import type { CharVocabulary } from './vocabulary.ts';
import { wordTimingsFromTokens } from './word-timings.ts';

const NEG_INF = Number.NEGATIVE_INFINITY;

export interface BeamSearchOptions {
  frameShiftMs: number;
  /** Prefixes kept after each frame. */
  beamWidth?: number;
  /** Characters (besides blank) considered per frame. */
  topK?: number;
  /** Characters below this log-prob never extend a prefix. */
  tokenMinLogProb?: number;
  /** Frames whose blank log-prob is at least this only extend blanks (and repeats). */
  blankSkipLogProb?: number;
  /** Prefixes scoring this far (nats) below the frame's best are dropped even if the beam has room. */
  beamPruneLogProb?: number;
  lm?: NgramLm;
  /** α: weight of the LM log-probability. */
  lmWeight?: number;
  /** β: bonus per completed word (only with an LM), balancing the LM's bias to short outputs. */
  wordBonus?: number;
  /** Add α·ln P(</s> | history) at the end of the utterance. */
  scoreEndOfSentence?: boolean;
  hotwords?: HotwordTrie;
}

export const DEFAULT_BEAM_OPTIONS = {
  beamWidth: 8,
  topK: 8,
  tokenMinLogProb: -10,
  blankSkipLogProb: Math.log(0.999),
  beamPruneLogProb: -12,
  lmWeight: 0.5,
  wordBonus: 1.0,
  scoreEndOfSentence: true,
} as const;

interface PrefixNode {
  readonly parent: PrefixNode | null;
  /** −1 for the root. */
  readonly token: number;
  readonly children: Map<number, PrefixNode>;
  /** Frame where this token was emitted (re-set if the prefix left the beam and came back). */
  frame: number;
  /** LM history after the completed words (null without an LM). */
  readonly lmState: LmState | null;
  /** Characters of the word being spelled. */
  readonly partialWord: string;
  /** α·LM + β·words accumulated over completed words. */
  readonly lmScore: number;
  readonly hotwordScore: number;
  readonly hot: HotwordState | null;
  // Search bookkeeping lives on the node so a frame allocates nothing per hypothesis.
  /** ln P(prefix, last frame blank) / (last frame non-blank), in the current beam. */
  pb: number;
  pnb: number;
  /** The same for the frame being computed. */
  nextPb: number;
  nextPnb: number;
  /** Frame whose `next*` values this node holds. */
  stamp: number;
  /** Last frame after which the node was kept in the beam. */
  keptAt: number;
  /** Total score, valid while ranking. */
  rank: number;
}

export interface BeamHypothesis {
  text: string;
  /** Total score: acoustic + LM + word bonus + hotword bonus (end-of-utterance terms included). */
  score: number;
  /** ln P(text | audio) summed over alignments kept by the search. */
  acousticLogProb: number;
  lmScore: number;
  hotwordScore: number;
}

export interface BeamResult extends BeamHypothesis {
  words: WordTiming[];
  tokens: number[];
  tokenFrames: number[];
  confidence: number;
  nBest: BeamHypothesis[];
  framesDecoded: number;
}

function score(node: PrefixNode): number {
  return logAddExp(node.pb, node.pnb) + node.lmScore + node.hotwordScore;
}

export class CtcPrefixBeamSearch {
  private readonly opts: Required<Omit<BeamSearchOptions, 'lm' | 'hotwords'>> &
    Pick<BeamSearchOptions, 'lm' | 'hotwords'>;
  private root!: PrefixNode;
  private beams: PrefixNode[] = [];
  private frameCount = 0;
  private readonly candIds: Int32Array;
  private readonly candLps: Float64Array;

  constructor(
    private readonly vocab: CharVocabulary,
    options: BeamSearchOptions,
  ) {
    // An option passed as undefined keeps its default (callers spread partial configs).
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.opts = { ...DEFAULT_BEAM_OPTIONS, ...given } as typeof this.opts;
    if (this.opts.beamWidth < 1) throw new RangeError('beamWidth must be ≥ 1');
    this.candIds = new Int32Array(Math.max(1, this.opts.topK));
    this.candLps = new Float64Array(Math.max(1, this.opts.topK));
    this.reset();
  }

  reset(): void {
    this.root = {
      parent: null,
      token: -1,
      children: new Map(),
      frame: -1,
      lmState: this.opts.lm?.initialState() ?? null,
      partialWord: '',
      lmScore: 0,
      hotwordScore: 0,
      hot: this.opts.hotwords?.initial() ?? null,
      pb: 0,
      pnb: NEG_INF,
      nextPb: NEG_INF,
      nextPnb: NEG_INF,
      stamp: -1,
      keptAt: -1,
      rank: 0,
    };
    this.beams = [this.root];
    this.frameCount = 0;
  }

  push(chunk: LogProbMatrix): void {
    if (chunk.vocabSize !== this.vocab.size) {
      throw new RangeError(`chunk vocab size ${chunk.vocabSize} != vocabulary size ${this.vocab.size}`);
    }
    for (let t = 0; t < chunk.frames; t++) this.step(chunk.data, t * chunk.vocabSize);
  }

  /** Best current text (no end-of-utterance terms), for partials. */
  bestText(): string {
    let best: PrefixNode = this.root;
    let bestScore = NEG_INF;
    for (const node of this.beams) {
      const s = score(node);
      if (s > bestScore) {
        bestScore = s;
        best = node;
      }
    }
    return this.textOf(best);
  }

  /** Closes the utterance: scores the last word and </s>, settles hotwords, ranks the beam. */
  finalize(): BeamResult {
    const finals: { node: PrefixNode; hyp: BeamHypothesis; words: string[] }[] = [];
    for (const node of this.beams) {
      const acoustic = logAddExp(node.pb, node.pnb);
      let lmScore = node.lmScore;
      let state = node.lmState;
      const lm = this.opts.lm;
      if (lm && state) {
        if (node.partialWord.length > 0) {
          const step = lm.advance(state, lm.wordId(node.partialWord));
          lmScore += this.opts.lmWeight * step.logProb + this.opts.wordBonus;
          state = step.state;
        }
        if (this.opts.scoreEndOfSentence) lmScore += this.opts.lmWeight * lm.advance(state, EOS_ID).logProb;
      }
      let hotwordScore = node.hotwordScore;
      if (this.opts.hotwords && node.hot) hotwordScore += this.opts.hotwords.finish(node.hot).delta;
      const text = this.textOf(node);
      finals.push({
        node,
        words: text.length > 0 ? text.split(' ') : [],
        hyp: {
          text,
          score: acoustic + lmScore + hotwordScore,
          acousticLogProb: acoustic,
          lmScore,
          hotwordScore,
        },
      });
    }
    // "abc" and "abc " are one text: merge their alignments (LM and hotword terms agree).
    const byText = new Map<string, (typeof finals)[number]>();
    for (const f of finals) {
      const seen = byText.get(f.hyp.text);
      if (!seen) {
        byText.set(f.hyp.text, f);
        continue;
      }
      const keep = seen.hyp.score >= f.hyp.score ? seen : f;
      const acoustic = logAddExp(seen.hyp.acousticLogProb, f.hyp.acousticLogProb);
      keep.hyp.score += acoustic - keep.hyp.acousticLogProb;
      keep.hyp.acousticLogProb = acoustic;
      byText.set(f.hyp.text, keep);
    }
    finals.length = 0;
    finals.push(...byText.values());
    finals.sort((a, b) => b.hyp.score - a.hyp.score);
    const top = finals[0];
    const maxScore = top.hyp.score;
    const weights = finals.map((f) => Math.exp(f.hyp.score - maxScore));
    const z = weights.reduce((a, b) => a + b, 0);
    const posteriors = weights.map((w) => w / z);

    const { tokens, frames } = this.pathOf(top.node);
    const words = wordTimingsFromTokens(tokens, frames, this.vocab, this.opts.frameShiftMs);
    for (let j = 0; j < words.length; j++) {
      let mass = 0;
      finals.forEach((f, i) => {
        if (f.words[j] === words[j].word) mass += posteriors[i];
      });
      words[j].confidence = mass;
    }
    const confidence =
      words.length > 0 ? words.reduce((a, w) => a + (w.confidence ?? 0), 0) / words.length : posteriors[0];
    return {
      ...top.hyp,
      words,
      tokens,
      tokenFrames: frames,
      confidence,
      nBest: finals.map((f) => f.hyp),
      framesDecoded: this.frameCount,
    };
  }

  private step(data: Float32Array, row: number): void {
    const { vocab } = this;
    const V = vocab.size;
    const blankLp = data[row + vocab.blankId];
    const k = this.selectCandidates(data, row, V, blankLp);
    const t = this.frameCount;
    const next: PrefixNode[] = [];
    const touch = (node: PrefixNode): PrefixNode => {
      if (node.stamp !== t) {
        node.stamp = t;
        node.nextPb = NEG_INF;
        node.nextPnb = NEG_INF;
        next.push(node);
      }
      return node;
    };

    for (const node of this.beams) {
      const total = logAddExp(node.pb, node.pnb);
      touch(node);
      node.nextPb = logAddExp(node.nextPb, total + blankLp);
      if (node.token > 0) {
        // The same character again without a blank in between collapses into this prefix.
        node.nextPnb = logAddExp(node.nextPnb, node.pnb + data[row + node.token]);
      }
      for (let i = 0; i < k; i++) {
        const c = this.candIds[i];
        const child = this.child(node, c, t);
        if (!child) continue;
        touch(child);
        // After a repeat, only paths ending in blank may start a new copy of the character.
        child.nextPnb = logAddExp(child.nextPnb, (c === node.token ? node.pb : total) + this.candLps[i]);
      }
    }

    for (const node of next) {
      node.pb = node.nextPb;
      node.pnb = node.nextPnb;
      node.rank = score(node);
    }
    // Keep the best beamWidth prefixes, and none that are hopelessly behind the best.
    next.sort((a, b) => b.rank - a.rank);
    let keep = Math.min(next.length, this.opts.beamWidth);
    const floor = next[0].rank + this.opts.beamPruneLogProb;
    while (keep > 1 && next[keep - 1].rank < floor) keep--;
    next.length = keep;
    for (const node of next) node.keptAt = t;
    this.beams = next;
    this.frameCount++;
  }

  /** Fills candIds/candLps with the top-k non-blank characters above the cutoff; returns k. */
  private selectCandidates(data: Float32Array, row: number, V: number, blankLp: number): number {
    if (blankLp >= this.opts.blankSkipLogProb) return 0;
    const cap = this.candIds.length;
    const min = this.opts.tokenMinLogProb;
    let k = 0;
    for (let v = 0; v < V; v++) {
      if (v === this.vocab.blankId) continue;
      const lp = data[row + v];
      if (lp < min) continue;
      if (k === cap && lp <= this.candLps[k - 1]) continue;
      // Insertion into a short sorted list: k is small (≤ 16), V ≈ 30.
      let i = k < cap ? k++ : k - 1;
      while (i > 0 && this.candLps[i - 1] < lp) {
        this.candLps[i] = this.candLps[i - 1];
        this.candIds[i] = this.candIds[i - 1];
        i--;
      }
      this.candLps[i] = lp;
      this.candIds[i] = v;
    }
    return k;
  }

  private child(node: PrefixNode, c: number, t: number): PrefixNode | null {
    const space = this.vocab.spaceId;
    // Leading or doubled spaces would make two prefixes for one text.
    if (c === space && (node.token < 0 || node.token === space)) return null;
    const existing = node.children.get(c);
    if (existing) {
      if (existing.keptAt !== t - 1) existing.frame = t;
      return existing;
    }
    let { lmState, lmScore, partialWord, hotwordScore } = node;
    const lm = this.opts.lm;
    if (c === space) {
      if (lm && lmState) {
        const step = lm.advance(lmState, lm.wordId(partialWord));
        lmScore += this.opts.lmWeight * step.logProb + this.opts.wordBonus;
        lmState = step.state;
      }
      partialWord = '';
    } else {
      partialWord += this.vocab.tokens[c];
    }
    let hot = node.hot;
    if (this.opts.hotwords && hot) {
      const stepped = this.opts.hotwords.step(hot, c, node.token);
      hot = stepped.state;
      hotwordScore += stepped.delta;
    }
    const created: PrefixNode = {
      parent: node,
      token: c,
      children: new Map(),
      frame: t,
      pb: NEG_INF,
      pnb: NEG_INF,
      nextPb: NEG_INF,
      nextPnb: NEG_INF,
      stamp: -2,
      keptAt: -2,
      rank: NEG_INF,
      lmState,
      partialWord,
      lmScore,
      hotwordScore,
      hot,
    };
    node.children.set(c, created);
    return created;
  }

  private pathOf(node: PrefixNode): { tokens: number[]; frames: number[] } {
    const tokens: number[] = [];
    const frames: number[] = [];
    for (let n: PrefixNode | null = node; n && n.token >= 0; n = n.parent) {
      tokens.push(n.token);
      frames.push(n.frame);
    }
    tokens.reverse();
    frames.reverse();
    // A trailing space carries no word; drop it so timings and text agree.
    if (tokens.length > 0 && tokens[tokens.length - 1] === this.vocab.spaceId) {
      tokens.pop();
      frames.pop();
    }
    return { tokens, frames };
  }

  private textOf(node: PrefixNode): string {
    let s = '';
    for (let n: PrefixNode | null = node; n && n.token >= 0; n = n.parent) s = this.vocab.tokens[n.token] + s;
    return s.trim();
  }
}

/** One-shot beam decode of a whole matrix. */
export function beamDecode(
  logProbs: LogProbMatrix,
  vocab: CharVocabulary,
  options: BeamSearchOptions,
): BeamResult {
  const search = new CtcPrefixBeamSearch(vocab, options);
  search.push(logProbs);
  return search.finalize();
}
