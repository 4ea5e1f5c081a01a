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
 * translation is dropped: the model then sees the word as it is. All phrases of a sentence go
 * in one request ("and london. and ice cream.", one sentence each), the capitalised retries in
 * a second, so a sentence costs the dictionary at most two requests whatever it holds.
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

/** What follows the carrier in one translated sentence, or null when the carrier is lost. */
function afterCarrier(sentence: string, carrier: { target: string }): string | null {
  const words = sentence
    .trim()
    .replace(/[.!?¿¡]+$/u, '')
    .split(/\s+/);
  if (words.length < 2 || words[0].toLocaleLowerCase() !== carrier.target) return null;
  return words.slice(1).join(' ');
}

/**
 * One dictionary request for several phrases, one sentence each; null where one is lost, and
 * null for all when sentences were merged or split on the way (no phrase can be told apart).
 */
async function translateBehindCarrier(
  phrases: readonly string[],
  dictionary: MtEngine,
  call: TranslateOptions,
  carrier: { source: string; target: string },
): Promise<(string | null)[] | null> {
  const text = phrases.map((p) => `${carrier.source} ${p}.`).join(' ');
  const sentences = (await dictionary.translate(text, call)).text.trim().split(/(?<=[.!?])\s+/u);
  if (sentences.length !== phrases.length) return null;
  return sentences.map((s) => afterCarrier(s, carrier));
}

const same = (a: string, b: string) => a.toLocaleLowerCase() === b.toLocaleLowerCase();

/**
 * What the dictionary makes of each phrase on its own (null where it cannot place it), or null
 * when the request as a whole could not be read back.
 */
async function lookUp(
  phrases: readonly string[],
  dictionary: MtEngine,
  call: TranslateOptions,
  carrier: { source: string; target: string },
): Promise<(string | null)[] | null> {
  const targets = await translateBehindCarrier(phrases, dictionary, call, carrier);
  if (!targets) return null;
  // Unchanged: not a common word. A name is known capitalised; else the word stays as is.
  const unchanged = phrases.flatMap((p, i) => (targets[i] !== null && same(targets[i], p) ? [i] : []));
  if (unchanged.length) {
    const named = await translateBehindCarrier(
      unchanged.map((i) => capitalise(phrases[i])),
      dictionary,
      call,
      carrier,
    );
    unchanged.forEach((i, k) => {
      const n = named?.[k] ?? null;
      if (n !== null && !same(n, phrases[i])) targets[i] = n;
    });
  }
  return targets.map((t) => t || null);
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
  const keyOf = (phrase: string) => `${pair} ${phrase}`;
  const missing = phrases.filter((p) => cache?.get(keyOf(p)) === undefined);
  const found = new Map<string, string | null>();
  if (missing.length) {
    const targets = await lookUp(missing, dictionary, call, carrier);
    // A request that could not be read back says nothing about its phrases: not cached.
    missing.forEach((p, i) => {
      found.set(p, targets?.[i] ?? null);
      if (targets) cache?.set(keyOf(p), targets[i]);
    });
  }
  const terms: GlossaryTerm[] = [];
  for (const phrase of phrases) {
    const target = found.has(phrase) ? found.get(phrase) : cache?.get(keyOf(phrase));
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
