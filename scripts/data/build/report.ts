/** Corpus report: hours per split, accent, SNR bucket, domain and generator; table + JSON. */
import type { ManifestEntry } from '../lib/manifest.ts';

export type Table = Record<string, Record<string, number>>;

export interface CorpusReport {
  seed: number;
  size: string;
  hours: Table; // lang → split → hours
  utterances: Table;
  byAccent: Table; // `${lang}/${split}` → accent → hours
  bySnr: Table;
  byDomain: Table;
  byGenerator: Table;
  speakers: Record<string, number>; // `${lang}/${split}` → distinct speakers
  noises: Record<string, string[]>;
  text: Record<string, number>;
  buildSeconds?: number;
}

export function snrBucket(snr: number | null | undefined): string {
  if (snr === null || snr === undefined) return 'clean';
  if (snr < 0) return '<0 dB';
  if (snr < 10) return '0-10 dB';
  if (snr < 20) return '10-20 dB';
  return '>=20 dB';
}

function add(t: Table, row: string, col: string, v: number): void {
  t[row] ??= {};
  t[row][col] = (t[row][col] ?? 0) + v;
}

function round(t: Table, digits = 3): Table {
  const out: Table = {};
  for (const [r, cols] of Object.entries(t)) {
    out[r] = {};
    for (const [c, v] of Object.entries(cols)) out[r][c] = Number(v.toFixed(digits));
  }
  return out;
}

export function buildReport(
  manifests: { lang: string; split: string; entries: ManifestEntry[] }[],
  meta: { seed: number; size: string; text: Record<string, number> },
): CorpusReport {
  const hours: Table = {};
  const utterances: Table = {};
  const byAccent: Table = {};
  const bySnr: Table = {};
  const byDomain: Table = {};
  const byGenerator: Table = {};
  const speakers: Record<string, number> = {};
  const noises: Record<string, string[]> = {};
  for (const { lang, split, entries } of manifests) {
    const key = `${lang}/${split}`;
    const spk = new Set<string>();
    const nz = new Set<string>();
    for (const e of entries) {
      const h = e.duration / 3600;
      add(hours, lang, split, h);
      add(utterances, lang, split, 1);
      add(byAccent, key, String(e.accent ?? '?'), h);
      add(bySnr, key, snrBucket(e.snr_db), h);
      add(byDomain, key, String(e.domain ?? '?'), h);
      add(byGenerator, key, String(e.generator ?? '?'), h);
      spk.add(String(e.speaker));
      if (typeof e.noise === 'string') nz.add(e.noise);
    }
    speakers[key] = spk.size;
    noises[key] = [...nz].sort();
  }
  return {
    seed: meta.seed,
    size: meta.size,
    hours: round(hours),
    utterances,
    byAccent: round(byAccent),
    bySnr: round(bySnr),
    byDomain: round(byDomain),
    byGenerator: round(byGenerator),
    speakers,
    noises,
    text: meta.text,
  };
}

/** Fixed-width table: rows × columns, blank where zero. */
export function formatTable(title: string, t: Table, digits = 2): string {
  const rows = Object.keys(t);
  const cols = [...new Set(rows.flatMap((r) => Object.keys(t[r])))].sort();
  const width = Math.max(8, ...cols.map((c) => c.length)) + 1;
  const first = Math.max(10, ...rows.map((r) => r.length)) + 1;
  const lines = [title, ''.padEnd(first) + cols.map((c) => c.padStart(width)).join('')];
  for (const r of rows) {
    lines.push(
      r.padEnd(first) + cols.map((c) => (t[r][c] ? t[r][c].toFixed(digits) : '').padStart(width)).join(''),
    );
  }
  return lines.join('\n');
}

export function formatReport(r: CorpusReport): string {
  return [
    formatTable('Hours per language and split', r.hours),
    formatTable('Utterances', r.utterances, 0),
    formatTable('Hours per accent', r.byAccent),
    formatTable('Hours per SNR bucket', r.bySnr),
    formatTable('Hours per domain', r.byDomain),
    formatTable('Hours per generator', r.byGenerator),
    `Speakers: ${Object.entries(r.speakers)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `Text pairs: ${Object.entries(r.text)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  ].join('\n\n');
}
