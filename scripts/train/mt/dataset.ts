/**
 * Parallel corpus → training samples for the shared en⇄es model. en→es reads `src_spoken` and
 * writes `tgt`; es→en reads `tgt_spoken` and writes `src` (ASR-style in, written text out). A
 * share of the pairs has one name/city slot swapped for a glossary placeholder on both sides,
 * so the model learns to copy ZXQ.. tokens through (server/stages/mt/glossary.ts).
 */

import {
  PLACEHOLDER_COUNT,
  placeholderToken,
  type SubwordTokenizer,
} from '../../../server/stages/mt/neural/subword.ts';
import { readJsonl } from '../../data/lib/manifest.ts';
import { CITIES, FIRST_NAMES, SURNAMES } from '../../data/text/lexicon-shared.ts';
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

/** `pool:id` → English and Spanish forms, for the pools whose values are plain names. */
function nameForms(): Map<string, { en: string; es: string }> {
  const m = new Map<string, { en: string; es: string }>();
  for (const pool of [CITIES, FIRST_NAMES, SURNAMES])
    for (const { value } of pool.items) m.set(`${pool.name}:${value.id}`, { en: value.en, es: value.es });
  return m;
}

function replaceWhole(text: string, term: string, by: string, flags: string): string | null {
  const esc = term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(?<![\\p{L}\\p{N}])${esc}(?![\\p{L}\\p{N}])`, `${flags}u`);
  return re.test(text) ? text.replace(re, by) : null;
}

/**
 * With probability `rate`, a pair with a name slot found on both sides gets it replaced by a
 * random trained placeholder (source: its ASR form, lower case; target: its written form).
 */
export function withPlaceholders(pairs: CorpusPair[], rate: number, seed: number): CorpusPair[] {
  const forms = nameForms();
  const rng = new Rng(seed * 31 + 5);
  return pairs.map((p) => {
    if (rng.next() >= rate) return p;
    for (const slot of p.slots ?? []) {
      const f = forms.get(slot);
      if (!f) continue;
      const ph = placeholderToken(rng.int(PLACEHOLDER_COUNT));
      const srcSpoken = replaceWhole(p.src_spoken, f.en.toLowerCase(), ph, '');
      const tgtSpoken = replaceWhole(p.tgt_spoken, f.es.toLowerCase(), ph, '');
      const src = replaceWhole(p.src, f.en, ph, '');
      const tgt = replaceWhole(p.tgt, f.es, ph, '');
      if (srcSpoken && tgtSpoken && src && tgt)
        return { ...p, src_spoken: srcSpoken, tgt_spoken: tgtSpoken, src, tgt };
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
