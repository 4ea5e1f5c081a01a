/**
 * Unknown-word terms: a sentence the neural model mostly knows, with a few words it never saw
 * in training (a city, a drug), goes to the neural engine with those words protected as
 * glossary placeholders, each translated on its own by the dictionary engine (apertium). The
 * model gets the sentence structure right and the dictionary the word — unknown-word
 * replacement (Luong et al. 2015) with a bilingual dictionary in place of an alignment.
 *
 * Apertium capitalises what it reads at a sentence start and knows proper nouns only when
 * capitalised, so each phrase is looked up after a carrier word ("and london" → "y london":
 * not a common word) and, if it came back unchanged, again capitalised ("and London" → "y
 * Londres": a name, kept capitalised). A lookup that does not come back behind the carrier's
 * translation is dropped: the model then sees the word as it is.
 */
import type { LanguageCode, MtEngine, TranslateOptions } from './engine.ts';
import { pairKey } from './engine.ts';
import type { Glossary, GlossaryTerm } from './glossary.ts';

/** A connective that every direction translates to one plain word, and what it becomes. */
const CARRIERS: Record<string, { source: string; target: string }> = {
  'en-es': { source: 'and', target: 'y' },
  'es-en': { source: 'y', target: 'and' },
};

/** Maximal runs of consecutive unknown words ("ice cream"), in order of appearance, unique. */
export function unknownPhrases(words: readonly string[], unknown: ReadonlySet<string>): string[] {
  const phrases: string[] = [];
  let run: string[] = [];
  const close = () => {
    if (run.length && !phrases.includes(run.join(' '))) phrases.push(run.join(' '));
    run = [];
  };
  for (const w of words) {
    if (unknown.has(w)) run.push(w);
    else close();
  }
  close();
  return phrases;
}

const capitalise = (s: string) => s.charAt(0).toLocaleUpperCase() + s.slice(1);

/** What `dictionary` writes for `phrase` behind the carrier, or null when the carrier is lost. */
async function afterCarrier(
  dictionary: MtEngine,
  phrase: string,
  call: TranslateOptions,
  carrier: { source: string; target: string },
): Promise<string | null> {
  const out = (await dictionary.translate(`${carrier.source} ${phrase}`, call)).text.trim();
  const words = out.replace(/[.!?¿¡]+$/u, '').split(/\s+/);
  if (words.length < 2 || words[0].toLocaleLowerCase() !== carrier.target) return null;
  return words.slice(1).join(' ');
}

/**
 * Lookups already made, by pair and phrase (null: the dictionary could not place it). Names and
 * drugs repeat within a deployment, so most lookups after the first are free. Oldest out first.
 */
export class DictionaryCache {
  private readonly entries = new Map<string, string | null>();

  constructor(private readonly maxEntries = 10_000) {}

  get(key: string): string | null | undefined {
    return this.entries.get(key);
  }

  set(key: string, target: string | null): void {
    this.entries.delete(key);
    this.entries.set(key, target);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** What the dictionary makes of one phrase on its own; null when it cannot place it. */
async function lookUp(
  phrase: string,
  dictionary: MtEngine,
  call: TranslateOptions,
  carrier: { source: string; target: string },
): Promise<string | null> {
  let target = await afterCarrier(dictionary, phrase, call, carrier);
  if (target !== null && target.toLocaleLowerCase() === phrase.toLocaleLowerCase()) {
    // Unchanged: not a common word. A name is known capitalised; else the word stays as is.
    const named = await afterCarrier(dictionary, capitalise(phrase), call, carrier);
    if (named !== null && named.toLocaleLowerCase() !== phrase.toLocaleLowerCase()) target = named;
  }
  return target || null;
}

/**
 * Glossary terms for the unknown phrases of one sentence (`phrase` → dictionary translation);
 * phrases the dictionary cannot place are left out.
 */
export async function dictionaryTerms(
  phrases: readonly string[],
  dictionary: MtEngine,
  call: TranslateOptions,
  cache?: DictionaryCache,
): Promise<GlossaryTerm[]> {
  const pair = pairKey(call);
  const carrier = CARRIERS[pair];
  if (!carrier) return [];
  const terms: GlossaryTerm[] = [];
  for (const phrase of phrases) {
    const key = `${pair} ${phrase}`;
    let target = cache?.get(key);
    if (target === undefined) {
      target = await lookUp(phrase, dictionary, call, carrier);
      cache?.set(key, target);
    }
    if (target) terms.push({ source: phrase, target });
  }
  return terms;
}

/**
 * The call's glossary with `terms` added for its pair, and the terms that were added: the
 * caller's own terms win on the same words.
 */
export function withDictionaryTerms(
  glossary: Glossary | undefined,
  terms: readonly GlossaryTerm[],
  pair: { source: LanguageCode; target: LanguageCode },
): { glossary: Glossary; added: GlossaryTerm[] } {
  const key = pairKey(pair);
  const own = glossary?.terms.get(key) ?? [];
  const ownSources = new Set(own.map((t) => t.source.toLocaleLowerCase()));
  const added = terms.filter((t) => !ownSources.has(t.source.toLocaleLowerCase()));
  const merged = new Map(glossary?.terms ?? []);
  merged.set(key, [...added, ...own]);
  return { glossary: { terms: merged }, added };
}
