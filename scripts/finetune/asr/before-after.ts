/**
 * The fine-tune's before/after report: the base model and the new one decoded on the same
 * manifests by the evaluation code of `npm run eval -- asr` (ONNX engine, same normalization),
 * compared overall, per accent and per SNR bucket, as a printed table, JSON and an HTML chart.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import type { ManifestEntry } from '../../data/lib/manifest.ts';
import { type DecodeManifestOptions, evaluateAsrModelDir, type SystemFigures } from '../../eval/asr.ts';
import { type BarGroup, htmlPage, renderBarChart } from '../../train/lib/report.ts';

export interface EvalSet {
  /** "dev", "test", or a name the caller picks. */
  name: string;
  manifest: string;
  entries: readonly ManifestEntry[];
}

export interface SetComparison {
  name: string;
  manifest: string;
  decoder: string;
  before: SystemFigures;
  after: SystemFigures;
}

export interface ComparisonRow {
  set: string;
  /** "overall", "accent <name>" or "snr <bucket>". */
  group: string;
  utterances: number;
  werBefore: number;
  werAfter: number;
  cerBefore: number;
  cerAfter: number;
  /** (after − before) / before; null when the base made no errors. */
  werRelativeChange: number | null;
}

export async function evaluateSet(
  modelDir: string,
  set: EvalSet,
  opts: DecodeManifestOptions,
): Promise<SystemFigures & { decoder: string }> {
  const { model: _model, ...figures } = await evaluateAsrModelDir(modelDir, set.entries, opts);
  return figures;
}

export function comparisonRows(comparisons: readonly SetComparison[]): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  for (const c of comparisons) {
    const add = (group: string, b: { utterances: number; wer: number; cer: number } | undefined, a = b) => {
      if (!b || !a) return;
      rows.push({
        set: c.name,
        group,
        utterances: b.utterances,
        werBefore: b.wer,
        werAfter: a.wer,
        cerBefore: b.cer,
        cerAfter: a.cer,
        werRelativeChange: b.wer > 0 ? Number(((a.wer - b.wer) / b.wer).toFixed(4)) : null,
      });
    };
    add('overall', c.before, c.after);
    for (const [k, b] of Object.entries(c.before.by_accent)) add(`accent ${k}`, b, c.after.by_accent[k]);
    for (const [k, b] of Object.entries(c.before.by_snr)) add(`snr ${k}`, b, c.after.by_snr[k]);
  }
  return rows;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

export function formatComparison(rows: readonly ComparisonRow[]): string {
  const head = ['set', 'group', 'utt', 'WER before', 'WER after', 'rel. change', 'CER before', 'CER after'];
  const body = rows.map((r) => [
    r.set,
    r.group,
    String(r.utterances),
    pct(r.werBefore),
    pct(r.werAfter),
    r.werRelativeChange === null
      ? '-'
      : `${r.werRelativeChange > 0 ? '+' : ''}${(r.werRelativeChange * 100).toFixed(1)}%`,
    pct(r.cerBefore),
    pct(r.cerAfter),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}

export function comparisonHtml(title: string, rows: readonly ComparisonRow[], notes: string[] = []): string {
  const series = [
    { name: 'before (base)', color: '#8c959f' },
    { name: 'after (fine-tuned)', color: '#1f6feb' },
  ];
  const sections = [...new Set(rows.map((r) => r.set))].flatMap((set) => {
    const mine = rows.filter((r) => r.set === set);
    const groups = (metric: 'wer' | 'cer'): BarGroup[] =>
      mine.map((r) => ({
        label: `${r.group} (${r.utterances})`,
        values:
          metric === 'wer' ? [r.werBefore * 100, r.werAfter * 100] : [r.cerBefore * 100, r.cerAfter * 100],
      }));
    const fmt = (v: number) => `${v.toFixed(1)}%`;
    return [
      renderBarChart(`${set}: WER`, series, groups('wer'), fmt),
      renderBarChart(`${set}: CER`, series, groups('cer'), fmt),
    ];
  });
  const noteHtml = notes.length
    ? `<ul>${notes.map((n) => `<li>${n.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}</li>`).join('')}</ul>`
    : '';
  return htmlPage(title, [noteHtml, ...sections]);
}

/** A test set's name in the report: its path without .jsonl, relative when under the cwd. */
export function setLabel(path: string): string {
  const rel = relative(process.cwd(), path);
  const name = rel.startsWith('..') || isAbsolute(rel) ? join(basename(dirname(path)), basename(path)) : rel;
  return name.replace(/\.jsonl?$/, '');
}

/**
 * The base model's figures per set, cached in `workDir/before.json` so --resume does not decode
 * again; recomputed when the base, the decoder or the sets change.
 */
export async function cachedBefore(
  workDir: string,
  baseDir: string,
  sets: readonly EvalSet[],
  opts: DecodeManifestOptions,
  log: (s: string) => void,
): Promise<Record<string, SystemFigures>> {
  const path = join(workDir, 'before.json');
  const key = JSON.stringify({
    base: baseDir,
    decoder: opts.decoder ?? 'beam',
    sets: sets.map((s) => [s.manifest, s.entries.length]),
  });
  if (existsSync(path)) {
    const cached = JSON.parse(readFileSync(path, 'utf8')) as {
      key: string;
      figures: Record<string, SystemFigures>;
    };
    if (cached.key === key) return cached.figures;
  }
  const figures: Record<string, SystemFigures> = {};
  for (const set of sets) {
    const f = await evaluateSet(baseDir, set, opts);
    figures[set.name] = f;
    log(
      `before: ${set.name} WER ${(f.wer * 100).toFixed(2)}% CER ${(f.cer * 100).toFixed(2)}% (${set.entries.length} utterances)`,
    );
  }
  writeFileSync(path, `${JSON.stringify({ key, figures }, null, 2)}\n`);
  return figures;
}
