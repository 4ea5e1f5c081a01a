/**
 * Terminology that every engine honours: a hotel's room names, a clinic's drug names.
 * Source terms are swapped for opaque placeholders before translation and the forced target
 * terms are put back afterwards, so neither apertium's dictionaries nor a neural model can
 * mistranslate them. A placeholder that does not come back exactly once is reported as lost.
 *
 * Placeholders are `ZXQ` + two capital letters (ZXQAA, ZXQAB, …): no digits (apertium and
 * number normalisers rewrite those), no punctuation (tokenisers split it), and verified to pass
 * through apertium eng-spa / spa-eng unchanged as unknown words (tests/stages/mt/apertium-engine).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { PipelineError } from '../../errors.ts';
import type { GlossaryReport, LanguagePair, TranslationResult } from './engine.ts';
import { pairKey } from './engine.ts';

export interface GlossaryTerm {
  source: string;
  target: string;
}

/** Compiled, immutable term lists keyed by "src-tgt". */
export interface Glossary {
  readonly terms: ReadonlyMap<string, readonly GlossaryTerm[]>;
}

/** On-disk / wire shape: `{ "en-es": { "ocean suite": "Suite Océano" } }`. */
export const glossarySpecSchema = z.record(
  z.string().regex(/^[a-z]{2,3}-[a-z]{2,3}$/, 'pair must look like "en-es"'),
  z.record(z.string().trim().min(1).max(200), z.string().trim().min(1).max(200)),
);
export type GlossarySpec = z.infer<typeof glossarySpecSchema>;

const MAX_TERMS_PER_PAIR = 5000;
/** Two letters → 676 distinct placeholders per sentence, far more than any sentence holds. */
const MAX_SLOTS = 26 * 26;
const PLACEHOLDER_PREFIX = 'ZXQ';

export function createGlossary(spec: GlossarySpec): Glossary {
  const parsed = glossarySpecSchema.parse(spec);
  const terms = new Map<string, GlossaryTerm[]>();
  for (const [pair, entries] of Object.entries(parsed)) {
    const list = Object.entries(entries).map(([source, target]) => ({ source, target }));
    if (list.length > MAX_TERMS_PER_PAIR) {
      throw new Error(`glossary ${pair}: ${list.length} terms, at most ${MAX_TERMS_PER_PAIR}`);
    }
    terms.set(pair, dedupe(list));
  }
  return { terms };
}

/** Later layers win on the same source term (case-insensitive): deployment, then session. */
export function mergeGlossaries(...layers: (Glossary | undefined)[]): Glossary {
  const merged = new Map<string, GlossaryTerm[]>();
  for (const layer of layers) {
    if (!layer) continue;
    for (const [pair, list] of layer.terms) merged.set(pair, dedupe([...(merged.get(pair) ?? []), ...list]));
  }
  return { terms: merged };
}

export async function loadGlossaryFile(path: string): Promise<Glossary> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new PipelineError('model_load_failed', 'mt', {
      message: `glossary ${path}: ${(err as Error).message}`,
      recoverable: false,
      cause: err,
    });
  }
  const parsed = glossarySpecSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new PipelineError('model_load_failed', 'mt', {
      message: `glossary ${path}: ${problems}`,
      recoverable: false,
    });
  }
  return createGlossary(parsed.data);
}

export interface ProtectedSlot {
  placeholder: string;
  source: string;
  target: string;
}

export interface ProtectedText {
  text: string;
  slots: ProtectedSlot[];
}

/** Replaces glossary terms (longest first, whole words, case-insensitive) by placeholders. */
export function protectTerms(
  text: string,
  glossary: Glossary | undefined,
  pair: LanguagePair,
): ProtectedText {
  const terms = glossary?.terms.get(pairKey(pair));
  if (!terms?.length) return { text, slots: [] };
  const slots: ProtectedSlot[] = [];
  const out = text.replace(termPattern(terms), (match) => {
    const term = terms.find((t) => sameTerm(t.source, match));
    if (!term || slots.length >= MAX_SLOTS) return match;
    const placeholder = placeholderFor(slots.length);
    slots.push({ placeholder, source: match, target: term.target });
    return placeholder;
  });
  return { text: out, slots };
}

/** Puts target terms back and reports placeholders that did not survive exactly once. */
export function restoreTerms(
  output: string,
  slots: ProtectedSlot[],
): { text: string; report: GlossaryReport } {
  const report: GlossaryReport = { applied: [], lost: [] };
  let text = output;
  for (const slot of slots) {
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${slot.placeholder}(?![\\p{L}\\p{N}])`, 'giu');
    let count = 0;
    // Replace every copy so a placeholder never leaks to the user, even when duplicated.
    text = text.replace(re, () => {
      count++;
      return slot.target;
    });
    (count === 1 ? report.applied : report.lost).push(slot.source);
  }
  return { text, report };
}

/**
 * Runs one engine call with terms protected; used by every engine (the neural one's batched
 * variants use protectTerms and withTermsRestored directly) so that glossary handling is
 * identical whichever engine answers.
 */
export async function translateWithGlossary(
  text: string,
  glossary: Glossary | undefined,
  pair: LanguagePair,
  run: (text: string) => Promise<TranslationResult>,
): Promise<TranslationResult> {
  const prot = protectTerms(text, glossary, pair);
  return withTermsRestored(await run(prot.text), prot);
}

/** An engine's answer to `prot.text` with the terms put back and reported (unchanged without terms). */
export function withTermsRestored(result: TranslationResult, prot: ProtectedText): TranslationResult {
  if (!prot.slots.length) return result;
  const restored = restoreTerms(result.text, prot.slots);
  return { ...result, text: restored.text, glossary: restored.report };
}

export function placeholderFor(index: number): string {
  const a = String.fromCharCode(65 + Math.floor(index / 26));
  const b = String.fromCharCode(65 + (index % 26));
  return `${PLACEHOLDER_PREFIX}${a}${b}`;
}

/** One compiled pattern per term list: building it for thousands of terms costs more than matching. */
const patterns = new WeakMap<readonly GlossaryTerm[], RegExp>();

function termPattern(terms: readonly GlossaryTerm[]): RegExp {
  let pattern = patterns.get(terms);
  if (!pattern) patterns.set(terms, (pattern = compilePattern(terms)));
  // Global regexes carry lastIndex; String.replace resets it, so sharing one is safe.
  return pattern;
}

function compilePattern(terms: readonly GlossaryTerm[]): RegExp {
  const alternatives = [...terms]
    .sort((x, y) => y.source.length - x.source.length)
    .map((t) => t.source.split(/\s+/).map(escapeRegExp).join('\\s+'));
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
}

function sameTerm(a: string, b: string): boolean {
  const norm = (s: string) => s.toLocaleLowerCase().split(/\s+/).join(' ');
  return norm(a) === norm(b);
}

function dedupe(list: GlossaryTerm[]): GlossaryTerm[] {
  const byKey = new Map<string, GlossaryTerm>();
  for (const t of list) byKey.set(t.source.toLocaleLowerCase().split(/\s+/).join(' '), t);
  return [...byKey.values()];
}

function escapeRegExp(s: string): string {
  // Only syntax characters: the 'u' flag rejects needless escapes such as \-.
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
