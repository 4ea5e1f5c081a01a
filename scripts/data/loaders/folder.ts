/**
 * A plain folder (searched recursively) of <name>.wav with <name>.txt transcripts beside them.
 * The speaker is the folder holding the file (relative to the root), or "folder" at the top.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { normalizeTranscript } from './normalize-text.ts';
import type { Candidate, LoadResult, Rejected } from './types.ts';

function findWavs(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) findWavs(p, out);
    else if (/\.wav$/i.test(e.name)) out.push(p);
  }
  return out.sort();
}

export function loadFolder(root: string, lang?: string): LoadResult {
  const candidates: Candidate[] = [];
  const rejected: Rejected[] = [];
  for (const wav of findWavs(root)) {
    const rel = relative(root, wav);
    const txt = wav.replace(/\.wav$/i, '.txt');
    if (!existsSync(txt)) {
      rejected.push({ ref: rel, reason: 'missing-text' });
      continue;
    }
    const text = normalizeTranscript(readFileSync(txt, 'utf8'));
    if (!text) {
      rejected.push({ ref: rel, reason: 'empty-text' });
      continue;
    }
    const folder = relative(root, dirname(wav));
    candidates.push({
      id: rel.replace(/\.wav$/i, '').replace(/[^\w.-]+/g, '_'),
      source: wav,
      text,
      speaker: `folder:${folder || 'folder'}`,
      lang,
    });
  }
  // transcripts without audio are bad entries too
  const seen = new Set(candidates.map((c) => c.source.replace(/\.wav$/i, '')));
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.txt') && !seen.has(p.slice(0, -4)) && !existsSync(`${p.slice(0, -4)}.wav`)) {
        rejected.push({ ref: relative(root, p), reason: 'missing-audio', detail: basename(p) });
      }
    }
  };
  walk(root);
  return { candidates, rejected };
}
