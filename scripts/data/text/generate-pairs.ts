/**
 * Generates aligned English–Spanish pairs for train/dev/test. Train uses only train templates
 * and train slot values; dev/test pairs come from their held-out templates, or from train
 * templates with at least one held-out slot value. Exact duplicates are dropped across splits.
 */
import { type Mode, toSpoken } from './grammar.ts';
import { Picker, type Split } from './picker.ts';
import { deriveRng, pickOne } from './prng.ts';
import { type Domain, type Form, realize, type Template } from './template.ts';
import { ALL_TEMPLATES, templateSplits } from './templates.ts';

export interface TextPair {
  id: string;
  /** English, written form: cased, punctuated, digits */
  src: string;
  /** Spanish, written form */
  tgt: string;
  /** English as spoken: lowercase, no punctuation, numbers in words (ASR-like) */
  src_spoken: string;
  tgt_spoken: string;
  /** spoken form with case and punctuation: what a TTS voice reads ("at seven thirty?") */
  src_say: string;
  tgt_say: string;
  domain: Domain;
  template: string;
  form: Form;
  split: Split;
  /** pool:value ids drawn for the slots */
  slots: string[];
  /** the subset of `slots` that is held out for this pair's split (empty in train) */
  heldout_slots: string[];
}

export type SplitCounts = Record<Split, number>;

export function generatePairs(seed: number, counts: SplitCounts, templates: Template[] = ALL_TEMPLATES) {
  const splitOf = templateSplits(templates);
  const seen = new Set<string>();
  const out: Record<Split, TextPair[]> = { train: [], dev: [], test: [] };
  for (const split of ['train', 'dev', 'test'] as const) {
    const rng = deriveRng(seed, `pairs:${split}`);
    let own = templates.filter((t) => splitOf.get(t.id) === split);
    let trainTemplates = templates.filter((t) => splitOf.get(t.id) === 'train');
    // a template whose last SATURATED draws were all duplicates has run out of new sentences
    const SATURATED = 300;
    const misses = new Map<string, number>();
    const miss = (t: Template) => {
      const n = (misses.get(t.id) ?? 0) + 1;
      misses.set(t.id, n);
      if (n < SATURATED) return;
      if (own.length > 1) own = own.filter((x) => x !== t);
      if (trainTemplates.length > 1) trainTemplates = trainTemplates.filter((x) => x !== t);
    };
    const target = counts[split];
    const maxAttempts = target * 60 + 1000;
    for (let attempt = 0; attempt < maxAttempts && out[split].length < target; attempt++) {
      // held-out splits: half from held-out templates, half from train templates with held-out values
      const fromOwn = split === 'train' || rng() < 0.5;
      const template = pickOne(rng, fromOwn ? own : trainTemplates);
      const picker = new Picker(rng, split);
      const realized = realize(template, picker);
      if (split !== 'train' && !fromOwn && picker.heldOutDrawn === 0) {
        miss(template);
        continue;
      }
      const written = realized.render('written');
      const spoken = realized.render('spoken' as Mode);
      const key = `${written.en}\t${written.es}`;
      if (seen.has(key)) {
        miss(template);
        continue;
      }
      seen.add(key);
      misses.set(template.id, 0);
      const index = out[split].length;
      out[split].push({
        id: `${split}-${String(index).padStart(6, '0')}`,
        src: written.en,
        tgt: written.es,
        src_spoken: toSpoken(spoken.en),
        tgt_spoken: toSpoken(spoken.es),
        src_say: spoken.en,
        tgt_say: spoken.es,
        domain: template.domain,
        template: template.id,
        form: realized.form,
        split,
        slots: [...new Set(picker.used)],
        heldout_slots: [...new Set(picker.usedHeldOut)],
      });
    }
  }
  return out;
}
