/**
 * Parallel corpus → training samples for the shared en⇄es model. en→es reads `src_spoken` and
 * writes `tgt`; es→en reads `tgt_spoken` and writes `src` (ASR-style in, written text out). A
 * share of the pairs has one slot value (a name, a city, a thing: any pool value written the
 * same way in the sentence as in its pool) swapped for a glossary placeholder on both sides,
 * so the model learns to copy ZXQ.. tokens through wherever a term can stand
 * (server/stages/mt/glossary.ts, dictionary-terms.ts).
 */

import {
  PLACEHOLDER_COUNT,
  placeholderToken,
  type SubwordTokenizer,
} from '../../../server/stages/mt/neural/subword.ts';
import { readJsonl } from '../../data/lib/manifest.ts';
import { registeredPools } from '../../data/text/picker.ts';
import { ALL_TEMPLATES } from '../../data/text/templates.ts';
import type { Seq2SeqSample } from '../lib/models/transformer-seq2seq.ts';
import { Rng } from '../lib/rng.ts';

export interface CorpusPair {
  src: string;
  tgt: string;
  src_spoken: string;
  tgt_spoken: string;
  slots?: string[];
  template?: string;
}

export interface Direction {
  source: string;
  target: string;
}

export const DIRECTIONS: Direction[] = [
  { source: 'en', target: 'es' },
  { source: 'es', target: 'en' },
];

/** One direction of one pair: what the model reads and what it must write. */
export interface TextExample {
  source: string;
  target: string;
  sourceLang: string;
  targetLang: string;
}

export interface MtSample extends Seq2SeqSample {
  /** ASR-style source text (noise is applied to it during training). */
  sourceText: string;
  sourceLang: string;
}

export function readCorpus(path: string): CorpusPair[] {
  return readJsonl<CorpusPair>(path);
}

export function examplesOf(pairs: CorpusPair[], dirs: Direction[] = DIRECTIONS): TextExample[] {
  const out: TextExample[] = [];
  for (const p of pairs)
    for (const d of dirs) {
      const enToEs = d.source === 'en';
      out.push({
        source: enToEs ? p.src_spoken : p.tgt_spoken,
        target: enToEs ? p.tgt : p.src,
        sourceLang: d.source,
        targetLang: d.target,
      });
    }
  return out;
}

interface SlotForms {
  en: string;
  es: string;
}

/**
 * `pool:id` → the English/Spanish forms a slot value can take (singular, and plural for nouns),
 * for every pool value that has both. The templates are named so that their domain modules,
 * which build the pools, are loaded.
 */
function slotForms(): Map<string, SlotForms[]> {
  if (!ALL_TEMPLATES.length) throw new Error('no templates loaded');
  const m = new Map<string, SlotForms[]>();
  for (const pool of registeredPools())
    for (const { value } of pool.items) {
      const v = value as { id?: string; en?: unknown; es?: unknown; enPl?: unknown; esPl?: unknown };
      if (typeof v.id !== 'string' || typeof v.en !== 'string' || typeof v.es !== 'string') continue;
      const forms = [{ en: v.en, es: v.es }];
      if (typeof v.enPl === 'string' && typeof v.esPl === 'string') forms.push({ en: v.enPl, es: v.esPl });
      m.set(`${pool.name}:${v.id}`, forms);
    }
  return m;
}

function replaceWhole(text: string, term: string, by: string, flags: string): string | null {
  const esc = term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(?<![\\p{L}\\p{N}])${esc}(?![\\p{L}\\p{N}])`, `${flags}u`);
  return re.test(text) ? text.replace(re, by) : null;
}

/**
 * With probability `rate`, a pair with a slot value found on all four sides (spoken forms lower
 * case) gets it replaced by a random trained placeholder; slots are tried in a random order.
 */
export function withPlaceholders(pairs: CorpusPair[], rate: number, seed: number): CorpusPair[] {
  const forms = slotForms();
  const rng = new Rng(seed * 31 + 5);
  return pairs.map((p) => {
    if (rng.next() >= rate) return p;
    const ph = placeholderToken(rng.int(PLACEHOLDER_COUNT));
    for (const slot of rng.shuffle([...(p.slots ?? [])])) {
      for (const f of forms.get(slot) ?? []) {
        const srcSpoken = replaceWhole(p.src_spoken, f.en.toLowerCase(), ph, '');
        const tgtSpoken = replaceWhole(p.tgt_spoken, f.es.toLowerCase(), ph, '');
        const src = replaceWhole(p.src, f.en, ph, '');
        const tgt = replaceWhole(p.tgt, f.es, ph, '');
        if (srcSpoken && tgtSpoken && src && tgt)
          return { ...p, src_spoken: srcSpoken, tgt_spoken: tgtSpoken, src, tgt };
      }
    }
    return p;
  });
}

export function toSample(e: TextExample, tok: SubwordTokenizer): MtSample {
  const tag = tok.tagId(e.targetLang);
  if (tag === undefined) throw new Error(`vocabulary has no tag for ${e.targetLang}`);
  const tgt = tok.encode(e.target);
  return {
    src: [...tok.encode(e.source), tok.eosId],
    tgtIn: [tag, ...tgt],
    tgtOut: [...tgt, tok.eosId],
    sourceText: e.source,
    sourceLang: e.sourceLang,
  };
}

/** Source words seen in training, per language (the engine's out-of-vocabulary estimate). */
export function knownSourceWords(examples: TextExample[]): Record<string, string[]> {
  const by = new Map<string, Set<string>>();
  for (const e of examples) {
    let s = by.get(e.sourceLang);
    if (!s) by.set(e.sourceLang, (s = new Set()));
    for (const w of e.source.split(' ')) if (w && !w.startsWith('ZXQ')) s.add(w);
  }
  return Object.fromEntries([...by].map(([lang, s]) => [lang, [...s].sort()]));
}
