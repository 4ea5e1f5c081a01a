/**
 * Unknown-word terms: phrases of unknown words, their lookup in the dictionary engine behind a
 * carrier word (common words lower case, names capitalised, lost lookups dropped), and the
 * router trying the primary with them first, then without, then the fallback.
 */
import { describe, expect, it } from 'vitest';
import { createApertiumEngine, hasApertium } from '../../../server/stages/mt/apertium-engine.ts';
import {
  DictionaryCache,
  dictionaryTerms,
  unknownPhrases,
  withDictionaryTerms,
} from '../../../server/stages/mt/dictionary-terms.ts';
import type { MtEngine, TranslateOptions, TranslationResult } from '../../../server/stages/mt/engine.ts';
import { createGlossary, translateWithGlossary } from '../../../server/stages/mt/glossary.ts';
import { MtRouter } from '../../../server/stages/mt/router.ts';

const enEs = { source: 'en', target: 'es' };

/**
 * A dictionary that answers like apertium: first letter capitalised, names known only
 * capitalised, unknown words passed through (the carrier "and" always becomes "y").
 */
function fakeDictionary(entries: Record<string, string>): MtEngine & { calls: string[] } {
  return {
    name: 'apertium',
    calls: [],
    languagePairs: () => [enEs],
    async translate(text: string): Promise<TranslationResult> {
      this.calls.push(text);
      const sentences = text.split(/(?<=\.) /).map((s) => {
        const plain = s.replace(/\.$/, '');
        const out = entries[plain] ?? plain.replace(/^and /, 'y ');
        return `${out.charAt(0).toUpperCase()}${out.slice(1)}.`;
      });
      return { text: sentences.join(' '), engine: 'apertium' };
    },
    async close() {},
  };
}

describe('unknownPhrases', () => {
  it('joins runs of unknown words and lists each phrase once, in order', () => {
    const words = 'an ice cream and an ice cream in vienna please'.split(' ');
    expect(unknownPhrases(words, new Set(['ice', 'cream', 'vienna']))).toEqual(['ice cream', 'vienna']);
    expect(unknownPhrases(words, new Set())).toEqual([]);
  });
});

describe('dictionaryTerms', () => {
  const dictionary = fakeDictionary({
    'and hospital': 'y hospital',
    'and ice cream': 'y helado',
    'and London': 'y Londres',
    'and lost': 'perdido',
  });

  it('keeps common words lower case, names capitalised, unknown words as they are; drops lost lookups', async () => {
    const terms = await dictionaryTerms(
      ['hospital', 'ice cream', 'london', 'zorblax', 'lost'],
      dictionary,
      enEs,
    );
    expect(terms).toEqual([
      { source: 'hospital', target: 'hospital' },
      { source: 'ice cream', target: 'helado' },
      { source: 'london', target: 'Londres' },
      { source: 'zorblax', target: 'zorblax' },
    ]);
    // Two requests: every phrase, then the ones that came back unchanged, capitalised.
    expect(dictionary.calls).toEqual([
      'and hospital. and ice cream. and london. and zorblax. and lost.',
      'and Hospital. and London. and Zorblax.',
    ]);
  });

  it('asks the dictionary once per phrase with a cache, which drops its oldest entries past its size', async () => {
    const dict = fakeDictionary({ 'and ice cream': 'y helado' });
    const cache = new DictionaryCache(2);
    for (let i = 0; i < 3; i++) await dictionaryTerms(['ice cream', 'lost'], dict, enEs, cache);
    expect(dict.calls).toEqual(['and ice cream. and lost.', 'and Lost.']);
    await dictionaryTerms(['zorblax'], dict, enEs, cache);
    expect(cache.size).toBe(2);
    await dictionaryTerms(['ice cream'], dict, enEs, cache);
    expect(dict.calls.at(-1)).toBe('and ice cream.');
  });

  it('gives no terms, and caches nothing, when the reply cannot be split back into phrases', async () => {
    const merging = { ...fakeDictionary({}), calls: [] as string[] };
    merging.translate = async (text: string) => {
      merging.calls.push(text);
      return { text: 'Y todo junto', engine: 'apertium' as const };
    };
    const cache = new DictionaryCache();
    expect(await dictionaryTerms(['ice cream', 'london'], merging, enEs, cache)).toEqual([]);
    expect(cache.size).toBe(0);
  });

  it('lets the caller’s own terms win on the same words', () => {
    const own = createGlossary({ 'en-es': { London: 'Londres (UK)' } });
    const { glossary, added } = withDictionaryTerms(
      own,
      [
        { source: 'london', target: 'Londres' },
        { source: 'helmet', target: 'casco' },
      ],
      enEs,
    );
    expect(added).toEqual([{ source: 'helmet', target: 'casco' }]);
    expect(glossary.terms.get('en-es')?.map((t) => t.target)).toEqual(['casco', 'Londres (UK)']);
  });

  it.skipIf(!hasApertium())('looks words up in the installed apertium', async () => {
    const apertium = await createApertiumEngine({ pairs: [enEs, { source: 'es', target: 'en' }] });
    try {
      expect(await dictionaryTerms(['london', 'ice cream', 'hospital'], apertium, enEs)).toEqual([
        { source: 'london', target: 'Londres' },
        { source: 'ice cream', target: 'helado' },
        { source: 'hospital', target: 'hospital' },
      ]);
      expect(await dictionaryTerms(['londres'], apertium, { source: 'es', target: 'en' })).toEqual([
        { source: 'londres', target: 'London' },
      ]);
    } finally {
      await apertium.close();
    }
  });
});

/** A primary that knows every word but "vienna", and is sure of itself only as configured. */
function primary(confidence: { withTerm: number; plain: number }): MtEngine & { calls: string[] } {
  return {
    name: 'neural',
    calls: [],
    languagePairs: () => [enEs],
    outOfVocabularyRate: (text) => (text.includes('vienna') ? 1 / text.split(' ').length : 0),
    unknownWords: (text) => (text.includes('vienna') ? ['vienna'] : []),
    async translate(text: string, options: TranslateOptions): Promise<TranslationResult> {
      this.calls.push(text);
      return translateWithGlossary(text, options.glossary, options, async (t) => ({
        text: t.replace('the train to', 'el tren a'),
        engine: 'neural',
        confidence: t.includes('ZXQ') ? confidence.withTerm : confidence.plain,
      }));
    },
    async close() {},
  };
}

describe('MtRouter with dictionary terms', () => {
  const dictionary = () => fakeDictionary({ 'and Vienna': 'y Viena' });

  it('translates unknown words with the dictionary inside the primary’s sentence', async () => {
    const sure = primary({ withTerm: 0.9, plain: 0.9 });
    const router = new MtRouter({ primary: sure, fallback: dictionary() });
    const result = await router.translate('the train to vienna', enEs);
    expect(result).toMatchObject({ text: 'el tren a Viena', engine: 'neural' });
    expect(result.glossary).toBeUndefined();
    expect(result.fallback).toBeUndefined();
    // An accepted term answer is the only decode: no plain answer is decoded beside it.
    expect(sure.calls).toHaveLength(1);
  });

  it('keeps the plain primary answer when the one with terms is unsure, then falls back', async () => {
    const unsureWithTerm = primary({ withTerm: 0.2, plain: 0.9 });
    const router = new MtRouter({ primary: unsureWithTerm, fallback: dictionary() });
    expect((await router.translate('the train to vienna', enEs)).text).toBe('el tren a vienna');
    expect(unsureWithTerm.calls).toHaveLength(2); // with the term, then plain

    const dict = dictionary();
    const unsure = new MtRouter({ primary: primary({ withTerm: 0.2, plain: 0.2 }), fallback: dict });
    const result = await unsure.translate('the train to vienna', enEs);
    expect(result).toMatchObject({ engine: 'apertium', fallback: { reason: 'low_confidence' } });
    // The fallback's answer was started beside the decode, once: not asked for again.
    expect(dict.calls.filter((c) => c === 'the train to vienna')).toHaveLength(1);
  });

  it('asks a primary that batches for the term answer and a quick plain one in one call', async () => {
    const batches: { glossary: boolean; quick: boolean }[][] = [];
    const batching = (confidence: { withTerm: number; plain: number }): MtEngine => {
      const base = primary(confidence);
      return {
        ...base,
        translate: (text, options) => base.translate(text, options),
        async translateVariants(text, variants) {
          batches.push(variants.map((v) => ({ glossary: !!v.glossary, quick: !!v.quick })));
          return Promise.all(variants.map((v) => base.translate(text, v)));
        },
      };
    };
    const sure = new MtRouter({ primary: batching({ withTerm: 0.9, plain: 0.9 }), fallback: dictionary() });
    expect((await sure.translate('the train to vienna', enEs)).text).toBe('el tren a Viena');
    expect(batches).toEqual([
      [
        { glossary: true, quick: false },
        { glossary: false, quick: true },
      ],
    ]);
    const unsureWithTerm = new MtRouter({
      primary: batching({ withTerm: 0.2, plain: 0.9 }),
      fallback: dictionary(),
    });
    expect((await unsureWithTerm.translate('the train to vienna', enEs)).text).toBe('el tren a vienna');
    expect(batches).toHaveLength(2);
  });

  it('skips the lookup when turned off, and for sentences without unknown words', async () => {
    const dict = dictionary();
    const off = new MtRouter({
      primary: primary({ withTerm: 0.9, plain: 0.9 }),
      fallback: dict,
      dictionaryTerms: false,
    });
    expect((await off.translate('the train to vienna', enEs)).text).toBe('el tren a vienna');
    const on = new MtRouter({ primary: primary({ withTerm: 0.9, plain: 0.9 }), fallback: dict });
    expect((await on.translate('the train to madrid', enEs)).text).toBe('el tren a madrid');
    expect(dict.calls).toEqual([]);
  });

  it('leaves a sentence with more than four unknown phrases to the plain primary', async () => {
    const dict = dictionary();
    const garbled = {
      ...primary({ withTerm: 0.9, plain: 0.9 }),
      unknownWords: () => ['qa', 'qb', 'qc', 'qd', 'qe'],
    };
    const router = new MtRouter({ primary: garbled, fallback: dict, maxOovRate: 1 });
    await router.translate('qa to qb to qc to qd to qe', enEs);
    expect(dict.calls).toEqual([]);
  });

  it('reports the caller’s glossary terms and not its own', async () => {
    const router = new MtRouter({ primary: primary({ withTerm: 0.9, plain: 0.9 }), fallback: dictionary() });
    const glossary = createGlossary({ 'en-es': { train: 'tren AVE' } });
    const result = await router.translate('the train to vienna', { ...enEs, glossary });
    expect(result.text).toBe('the tren AVE to Viena');
    expect(result.glossary).toEqual({ applied: ['train'], lost: [] });
  });
});
