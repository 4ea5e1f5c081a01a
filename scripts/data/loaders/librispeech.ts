/**
 * LibriSpeech layout: <root>/<speaker>/<chapter>/<speaker>-<chapter>.trans.txt with lines
 * "<utt-id> TRANSCRIPT", audio <utt-id>.flac (or .wav) next to it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { normalizeTranscript } from './normalize-text.ts';
import type { Candidate, LoadResult, Rejected } from './types.ts';

function findTranscripts(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) findTranscripts(p, out);
    else if (e.name.endsWith('.trans.txt')) out.push(p);
  }
  return out.sort();
}

export function loadLibriSpeech(root: string, lang = 'en'): LoadResult {
  const candidates: Candidate[] = [];
  const rejected: Rejected[] = [];
  for (const trans of findTranscripts(root)) {
    const dir = dirname(trans);
    const lines = readFileSync(trans, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      const m = /^(\S+)\s*(.*)$/.exec(line.trim());
      if (!m) {
        rejected.push({ ref: `${trans}:${i + 1}`, reason: 'bad-line' });
        return;
      }
      const [, id, raw] = m;
      const text = normalizeTranscript(raw);
      const source = ['.flac', '.wav'].map((ext) => join(dir, `${id}${ext}`)).find((p) => existsSync(p));
      if (!source) {
        rejected.push({ ref: `${basename(trans)}:${id}`, reason: 'missing-audio' });
        return;
      }
      if (!text) {
        rejected.push({ ref: `${basename(trans)}:${id}`, reason: 'empty-text' });
        return;
      }
      const [speaker, chapter] = id.split('-');
      candidates.push({
        id,
        source,
        text,
        speaker: `librispeech:${speaker}`,
        lang,
        extra: { chapter: chapter ?? '' },
      });
    });
  }
  return { candidates, rejected };
}
