/**
 * Sentences for the domain LM: a customer's text file (one sentence per line), or JSON Lines
 * with a `text` field (a manifest) or corpus pairs (`src_spoken` / `tgt_spoken`); and the
 * general domain text a base model's LM was built from (its corpus's text/train.jsonl).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AsrLanguage } from '../../../server/stages/asr/vocabulary.ts';

/** Non-empty lines of a .txt file, or the sentence field of each line of a .jsonl file. */
export function readTextLines(path: string, lang: AsrLanguage): string[] {
  const raw = readFileSync(path, 'utf8').split('\n');
  if (!/\.jsonl?$/i.test(path)) return raw.map((l) => l.trim()).filter(Boolean);
  const field = lang === 'en' ? 'src_spoken' : 'tgt_spoken';
  const out: string[] = [];
  for (const line of raw) {
    if (!line.trim()) continue;
    try {
      const row = JSON.parse(line) as Record<string, unknown>;
      const text = row.text ?? row[field];
      if (typeof text === 'string' && text.trim()) out.push(text.trim());
    } catch {
      // A broken line is not a sentence; the count of kept lines is reported.
    }
  }
  return out;
}

/** `<data dir>/text/train.jsonl` of the base's training corpus, when it is on this machine. */
export function baseCorpusText(card: { training?: Record<string, unknown> }): string | null {
  const seen = new Set<string>();
  // A continued or fine-tuned model names its data under training (or its base's training).
  for (let t = card.training; t && typeof t === 'object'; t = t.base as Record<string, unknown> | undefined) {
    const dir = (t.data as { dir?: unknown } | undefined)?.dir;
    if (typeof dir === 'string' && !seen.has(dir)) {
      seen.add(dir);
      const path = join(dir, 'text', 'train.jsonl');
      if (existsSync(path)) return path;
    }
  }
  return null;
}
