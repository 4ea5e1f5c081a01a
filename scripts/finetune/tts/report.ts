/**
 * The voice fine-tune's before/after report: one row per (set, metric) — teacher-forced and
 * free-running mel L1, the frame ratio, MCD and each round-trip WER — as a printed table, the
 * rows for JSON, and an HTML page with one before/after bar chart per metric.
 */
import { type BarGroup, htmlPage, renderBarChart } from '../../train/lib/report.ts';
import type { VoiceFigures } from './measure.ts';

export interface VoiceSetComparison {
  name: string;
  manifest: string;
  before: VoiceFigures;
  after: VoiceFigures;
  /** Teacher-forced dev mel L1 in nats (the dev set only: it needs the alignment). */
  teacherForced?: { before: number; after: number; utterances: number };
  recordingsRoundTrip: Record<string, { wer: number; cer: number }>;
  /** What the measurement could not do (a recognizer that failed or heard nothing). */
  notes?: string[];
}

export interface VoiceComparisonRow {
  set: string;
  /** "mel L1 teacher-forced", "mel L1 free-running", "frame ratio", "MCD", "round-trip WER <rec>". */
  metric: string;
  unit: 'nats' | 'dB' | 'ratio' | '%';
  utterances: number;
  before: number | null;
  after: number | null;
  /** after − before (null when either is missing). */
  change: number | null;
}

export function voiceComparisonRows(sets: readonly VoiceSetComparison[]): VoiceComparisonRow[] {
  const rows: VoiceComparisonRow[] = [];
  for (const s of sets) {
    const add = (
      metric: string,
      unit: VoiceComparisonRow['unit'],
      before: number | null,
      after: number | null,
      utterances = s.before.utterances,
    ) =>
      rows.push({
        set: s.name,
        metric,
        unit,
        utterances,
        before,
        after,
        change: before === null || after === null ? null : Number((after - before).toFixed(4)),
      });
    if (s.teacherForced)
      add(
        'mel L1 teacher-forced',
        'nats',
        s.teacherForced.before,
        s.teacherForced.after,
        s.teacherForced.utterances,
      );
    add('mel L1 free-running', 'nats', s.before.melL1FreeRunning, s.after.melL1FreeRunning);
    add('frame ratio', 'ratio', s.before.frameRatio, s.after.frameRatio);
    add('MCD', 'dB', s.before.mcdDb, s.after.mcdDb, Math.min(s.before.mcdUtterances, s.after.mcdUtterances));
    // A recognizer scored on one side only (it failed on the other) keeps its row, with '-'.
    const wer = (f: VoiceFigures, rec: string) => (f.roundTrip[rec] ? f.roundTrip[rec].wer * 100 : null);
    for (const rec of new Set([...Object.keys(s.before.roundTrip), ...Object.keys(s.after.roundTrip)]))
      add(`round-trip WER ${rec}`, '%', wer(s.before, rec), wer(s.after, rec));
  }
  return rows;
}

const fmt = (v: number | null, unit: VoiceComparisonRow['unit']) =>
  v === null || !Number.isFinite(v)
    ? '-'
    : unit === '%'
      ? `${v.toFixed(1)}%`
      : v.toFixed(unit === 'dB' ? 2 : 3);

/** "+0.12", "-1.30", "0.000" (no sign on what rounds to zero). */
function signed(v: number | null, unit: VoiceComparisonRow['unit']): string {
  const text = fmt(v, unit);
  if (v === null || text === '-' || Number(text.replace('%', '')) === 0) return text.replace('-', '');
  return v > 0 ? `+${text}` : text;
}

export function formatVoiceComparison(rows: readonly VoiceComparisonRow[]): string {
  const head = ['set', 'metric', 'utt', 'before', 'after', 'change'];
  const body = rows.map((r) => [
    r.set,
    r.unit === 'ratio' || r.unit === '%' ? r.metric : `${r.metric} (${r.unit})`,
    String(r.utterances),
    fmt(r.before, r.unit),
    fmt(r.after, r.unit),
    signed(r.change, r.unit),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function voiceComparisonHtml(
  title: string,
  rows: readonly VoiceComparisonRow[],
  notes: string[] = [],
): string {
  const series = [
    { name: 'before (base)', color: '#8c959f' },
    { name: 'after (adapted)', color: '#1f6feb' },
  ];
  const charts = [...new Set(rows.map((r) => r.metric))].map((metric) => {
    const mine = rows.filter((r) => r.metric === metric);
    const unit = mine[0].unit;
    const groups: BarGroup[] = mine.map((r) => ({
      label: `${r.set} (${r.utterances})`,
      values: [r.before, r.after],
    }));
    const label = unit === 'ratio' || unit === '%' ? metric : `${metric} (${unit})`;
    return renderBarChart(label, series, groups, (v) => fmt(v, unit));
  });
  const all = [...notes, "lower is better, except the frame ratio: 1 is the speaker's own rate"];
  const noteHtml = `<ul>${all.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`;
  return htmlPage(title, [noteHtml, ...charts]);
}
