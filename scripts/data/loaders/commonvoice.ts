/**
 * Common Voice release: <root>/<tsv> (validated.tsv by default, or train/dev/test.tsv) with
 * columns client_id, path, sentence, …, gender, accents (or accent), locale; audio in
 * <root>/clips/<path> (mp3 in releases, which needs sox with libsox-fmt-all; wav also works).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { normalizeTranscript } from './normalize-text.ts';
import type { Candidate, LoadResult, Rejected } from './types.ts';

export function loadCommonVoice(root: string, opts: { tsv?: string; lang?: string } = {}): LoadResult {
  const tsvPath = join(root, opts.tsv ?? 'validated.tsv');
  const [header, ...rows] = readFileSync(tsvPath, 'utf8').split('\n');
  const cols = header.replace(/\r$/, '').split('\t');
  const col = (name: string) => cols.indexOf(name);
  const [iPath, iSentence, iClient] = [col('path'), col('sentence'), col('client_id')];
  if (iPath < 0 || iSentence < 0) throw new Error(`${tsvPath}: needs "path" and "sentence" columns`);
  const iAccent = col('accents') >= 0 ? col('accents') : col('accent');
  const [iGender, iLocale] = [col('gender'), col('locale')];
  const candidates: Candidate[] = [];
  const rejected: Rejected[] = [];
  rows.forEach((row, i) => {
    if (!row.trim()) return;
    const f = row.replace(/\r$/, '').split('\t');
    const ref = `${basename(tsvPath)}:${i + 2}`;
    if (f.length <= Math.max(iPath, iSentence)) {
      rejected.push({ ref, reason: 'bad-line' });
      return;
    }
    const clip = f[iPath];
    const source = join(root, 'clips', clip);
    if (!clip || !existsSync(source)) {
      rejected.push({ ref, reason: 'missing-audio', detail: clip });
      return;
    }
    const text = normalizeTranscript(f[iSentence] ?? '');
    if (!text) {
      rejected.push({ ref, reason: 'empty-text', detail: clip });
      return;
    }
    candidates.push({
      id: `cv-${basename(clip, extname(clip))}`,
      source,
      text,
      speaker: `commonvoice:${(iClient >= 0 ? f[iClient] : '').slice(0, 16) || 'unknown'}`,
      lang: opts.lang ?? (iLocale >= 0 && f[iLocale] ? f[iLocale] : undefined),
      accent: iAccent >= 0 && f[iAccent] ? f[iAccent] : undefined,
      gender: iGender >= 0 && f[iGender] ? f[iGender] : undefined,
    });
  });
  return { candidates, rejected };
}
