import { describe, expect, it } from 'vitest';
import {
  chunkForSynthesis,
  IncrementalSentenceSplitter,
  splitClauses,
  splitSentences,
} from '../../../server/stages/tts/sentence-splitter.ts';

describe('splitSentences', () => {
  it('does not split at abbreviations, decimals or initials', () => {
    expect(
      splitSentences('Dr. Smith paid $3.50 for it. Is it ok? Yes! Then J. R. Smith came... Fine.', 'en'),
    ).toEqual(['Dr. Smith paid $3.50 for it.', 'Is it ok?', 'Yes!', 'Then J. R. Smith came...', 'Fine.']);
  });

  it('splits after etc. only when a new sentence starts', () => {
    expect(splitSentences('Bring towels, soap etc. and a hat. Thanks.', 'en')).toEqual([
      'Bring towels, soap etc. and a hat.',
      'Thanks.',
    ]);
    expect(splitSentences('Bring towels, soap etc. Thanks.', 'en')).toEqual([
      'Bring towels, soap etc.',
      'Thanks.',
    ]);
  });

  it('handles Spanish inverted marks and titles', () => {
    expect(
      splitSentences('Hola, ¿qué tal? ¡Muy bien! El Sr. García pagó 12,50 €. Son las 3. ¿Y usted?', 'es'),
    ).toEqual(['Hola, ¿qué tal?', '¡Muy bien!', 'El Sr. García pagó 12,50 €.', 'Son las 3.', '¿Y usted?']);
  });

  it('keeps closing quotes with their sentence', () => {
    expect(splitSentences('He said "stop." Then left.', 'en')).toEqual(['He said "stop."', 'Then left.']);
  });

  it('returns unterminated text as a last sentence', () => {
    expect(splitSentences('One. Two', 'en')).toEqual(['One.', 'Two']);
  });
});

describe('clauses and synthesis chunks', () => {
  it('cuts at clause punctuation but not inside numbers, merging short pieces', () => {
    expect(splitClauses('It costs 12,50 euros, which is fine, ok?')).toEqual([
      'It costs 12,50 euros,',
      'which is fine, ok?',
    ]);
  });

  it('cuts only the first sentence into clauses, and long later ones', () => {
    const text =
      'When you arrive at the airport, please go to gate twelve, and wait. Then, calmly, board the bus.';
    expect(chunkForSynthesis(text, 'en')).toEqual([
      'When you arrive at the airport,',
      'please go to gate twelve, and wait.',
      'Then, calmly, board the bus.',
    ]);
  });
});

describe('IncrementalSentenceSplitter', () => {
  it('emits sentences as soon as the next one has started', () => {
    const s = new IncrementalSentenceSplitter('en');
    expect(s.push('Hello the')).toEqual([]);
    expect(s.push('re. How are')).toEqual(['Hello there.']);
    expect(s.push(' you? I am')).toEqual(['How are you?']);
    expect(s.push(' fine.')).toEqual([]);
    expect(s.flush()).toEqual(['I am fine.']);
  });

  it('does not emit at a decimal point split across pushes', () => {
    const s = new IncrementalSentenceSplitter('en');
    expect(s.push('It is 3.')).toEqual([]);
    expect(s.push('5 km. Go')).toEqual(['It is 3.5 km.']);
  });
});
