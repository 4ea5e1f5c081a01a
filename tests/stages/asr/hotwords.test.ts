import { describe, expect, it } from 'vitest';
import { HotwordTrie } from '../../../server/stages/asr/hotwords.ts';
import { createVocabulary, encodeText } from '../../../server/stages/asr/vocabulary.ts';

const vocab = createVocabulary('en');

/** Feeds a text token by token and returns the total bonus (after finishing). */
function bonus(trie: HotwordTrie, text: string): number {
  let state = trie.initial();
  let prev = -1;
  let total = 0;
  for (const id of encodeText(text, vocab)) {
    const s = trie.step(state, id, prev);
    total += s.delta;
    state = s.state;
    prev = id;
  }
  return total + trie.finish(state).delta;
}

describe('HotwordTrie', () => {
  const trie = new HotwordTrie(['New York', { phrase: 'new', boost: 1 }, 'tolk'], vocab, 2);

  it('normalizes phrases and keeps the completed ones', () => {
    expect(trie.phrases).toEqual(['new york', 'new', 'tolk']);
    expect(bonus(trie, 'tolk')).toBeCloseTo(8);
    expect(bonus(trie, 'i said tolk now')).toBeCloseTo(8);
  });

  it('banks a shorter phrase and undoes only the broken longer one', () => {
    // "new" (3 × max(1,2) = 6) completes at the space; " j" breaks "new york".
    expect(bonus(trie, 'new jersey')).toBeCloseTo(6);
    expect(bonus(trie, 'new york')).toBeCloseTo(16);
  });

  it('gives nothing for unfinished phrases or phrases inside words', () => {
    expect(bonus(trie, 'tol')).toBeCloseTo(0);
    expect(bonus(trie, 'tolkien')).toBeCloseTo(0);
    expect(bonus(trie, 'atolk')).toBeCloseTo(0);
    expect(bonus(trie, 'newer')).toBeCloseTo(0);
  });

  it('ignores empty or non-positive phrases', () => {
    const t = new HotwordTrie(['', '!!', { phrase: 'x', boost: 0 }], vocab);
    expect(t.size).toBe(0);
  });
});
