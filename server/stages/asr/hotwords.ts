/**
 * Hotword / phrase boosting (contextual biasing) in the style of sherpa-onnx's context graph:
 * phrases live in a character trie; each character that extends a match adds a per-token
 * bonus to the hypothesis, a completed phrase keeps its bonus, and a match that breaks off
 * (or is left unfinished when the utterance ends) gives the whole pending bonus back — so a
 * hypothesis never profits from merely starting a phrase. Matches start only at a word start
 * and complete only at a word end, so "york" does not boost "yorkshire".
 */
import { type CharVocabulary, encodeText } from './vocabulary.ts';

export type HotwordSpec = string | { phrase: string; boost?: number };

/** sherpa-onnx's default hotwords_score. */
export const DEFAULT_HOTWORD_BOOST = 1.5;

export interface HotwordNode {
  readonly children: Map<number, HotwordNode>;
  /** Bonus for reaching this node (the largest boost of the phrases through it). */
  boost: number;
  /** A phrase ends here. */
  end: boolean;
}

export interface HotwordState {
  readonly node: HotwordNode;
  /** Bonus added since the last completed phrase; undone when the match fails. */
  readonly pending: number;
}

export interface HotwordStep {
  state: HotwordState;
  /** Score change for this token (positive while matching, −pending on failure). */
  delta: number;
  completed: boolean;
}

function newNode(): HotwordNode {
  return { children: new Map(), boost: 0, end: false };
}

export class HotwordTrie {
  readonly root: HotwordNode = newNode();
  readonly phrases: string[] = [];

  constructor(
    specs: readonly HotwordSpec[],
    private readonly vocab: CharVocabulary,
    defaultBoost = DEFAULT_HOTWORD_BOOST,
  ) {
    for (const spec of specs) {
      const phrase = typeof spec === 'string' ? spec : spec.phrase;
      const boost = typeof spec === 'string' ? defaultBoost : (spec.boost ?? defaultBoost);
      if (!(boost > 0)) continue;
      const ids = encodeText(phrase, vocab);
      if (ids.length === 0) continue;
      let node = this.root;
      for (const id of ids) {
        let child = node.children.get(id);
        if (!child) node.children.set(id, (child = newNode()));
        child.boost = Math.max(child.boost, boost);
        node = child;
      }
      node.end = true;
      this.phrases.push(ids.map((i) => vocab.tokens[i]).join(''));
    }
  }

  get size(): number {
    return this.phrases.length;
  }

  initial(): HotwordState {
    return { node: this.root, pending: 0 };
  }

  /**
   * Advance by one emitted token. `prevToken` is the token before it in the hypothesis
   * (−1 at the start), used to decide whether a new match may start here.
   */
  step(state: HotwordState, token: number, prevToken: number): HotwordStep {
    const space = this.vocab.spaceId;
    let { node, pending } = state;
    let delta = 0;
    let completed = false;
    if (node !== this.root) {
      const child = node.children.get(token);
      if (child) {
        // Passing a phrase end on the way to a longer phrase banks the shorter one.
        if (node.end && token === space) {
          completed = true;
          pending = 0;
        }
        return { state: { node: child, pending: pending + child.boost }, delta: child.boost, completed };
      }
      if (node.end && token === space) {
        return { state: this.initial(), delta: 0, completed: true };
      }
      delta -= pending;
      node = this.root;
      pending = 0;
    }
    const atWordStart = prevToken < 0 || prevToken === space;
    const start = atWordStart ? this.root.children.get(token) : undefined;
    if (start) return { state: { node: start, pending: start.boost }, delta: delta + start.boost, completed };
    return {
      state: node === state.node && pending === state.pending ? state : this.initial(),
      delta,
      completed,
    };
  }

  /** End of utterance: a phrase that just ended is kept, an unfinished one is undone. */
  finish(state: HotwordState): HotwordStep {
    if (state.node === this.root || state.node.end) {
      return { state: this.initial(), delta: 0, completed: state.node !== this.root };
    }
    return { state: this.initial(), delta: -state.pending, completed: false };
  }
}
