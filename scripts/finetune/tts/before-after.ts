/**
 * The before/after of a voice fine-tune, shared by the end of a run (publish.ts) and by
 * `--measure-only` (remeasure.ts): the base and the adapted folder measured on every set, the
 * printed table, the card's evaluation block and the JSON/HTML reports.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Recognizer } from '../../eval/tts/recognizers.ts';
import type { BaseTtsModel } from '../../train/tts/init-from.ts';
import { compareVoices, type VoiceEvalSet } from './measure.ts';
import {
  formatVoiceComparison,
  type VoiceComparisonRow,
  type VoiceSetComparison,
  voiceComparisonHtml,
  voiceComparisonRows,
} from './report.ts';

export interface BeforeAfterInput {
  base: BaseTtsModel;
  /** The adapted voice: its id and the folder holding its ONNX graphs. */
  adaptedId: string;
  adaptedDir: string;
  /** dev first; its teacher-forced mel L1 before/after goes into its rows. */
  sets: VoiceEvalSet[];
  devTeacherForced?: { before: number; after: number; utterances: number };
  evalLimit: number;
  glIterations: number;
  recognizers: readonly Recognizer[];
  workDir: string;
}

const round = (x: number, d = 4) => Number(x.toFixed(d));
export const keySafe = (name: string) => name.replace(/[^A-Za-z0-9]+/g, '_');

/** Measures every set, logs what a recognizer could not do and the before/after table. */
export async function measureBeforeAfter(
  p: BeforeAfterInput,
  log: (s: string) => void,
): Promise<{ comparisons: VoiceSetComparison[]; rows: VoiceComparisonRow[] }> {
  const baseName = `base ${p.base.card.id}`;
  const newName = `adapted ${p.adaptedId}`;
  const comparisons: VoiceSetComparison[] = [];
  for (const set of p.sets) {
    const c = await compareVoices({
      models: { [baseName]: p.base.dir, [newName]: p.adaptedDir },
      set,
      stats: p.base.stats,
      lang: p.base.lang,
      limit: p.evalLimit,
      glIterations: p.glIterations,
      recognizers: p.recognizers,
      wavDir: join(p.workDir, 'listen', keySafe(set.name)),
    });
    for (const n of c.notes) log(`${set.name}: ${n}`);
    comparisons.push({
      name: set.name,
      manifest: set.manifest,
      before: c.figures[baseName],
      after: c.figures[newName],
      ...(set.name === 'dev' && p.devTeacherForced ? { teacherForced: p.devTeacherForced } : {}),
      recordingsRoundTrip: c.recordingsRoundTrip,
      ...(c.notes.length ? { notes: c.notes } : {}),
    });
  }
  const rows = voiceComparisonRows(comparisons);
  log(`\nbefore (${p.base.card.id}) → after (${p.adaptedId}):\n${formatVoiceComparison(rows)}`);
  for (const c of comparisons)
    for (const [rec, r] of Object.entries(c.recordingsRoundTrip))
      log(`${c.name}: the recordings themselves, round-trip WER ${rec} ${(r.wer * 100).toFixed(1)}%`);
  return { comparisons, rows };
}

/** The card's `evaluation` fields that the before/after measures. */
export function evaluationFields(
  comparisons: readonly VoiceSetComparison[],
  devTeacherForced: { after: number; utterances: number } | undefined,
): Record<string, unknown> {
  const dev = comparisons.find((c) => c.name === 'dev');
  return {
    ...(devTeacherForced
      ? {
          dev_teacher_forced: {
            melL1Nats: round(devTeacherForced.after),
            utterances: devTeacherForced.utterances,
          },
        }
      : {}),
    ...(dev
      ? {
          dev_free_running: {
            melL1Nats: dev.after.melL1FreeRunning,
            frameRatio: dev.after.frameRatio,
            utterances: dev.after.utterances,
            note: 'predicted durations; predicted mel stretched linearly to the recording length',
          },
        }
      : {}),
    ...Object.fromEntries(comparisons.map((c) => [`finetune_${keySafe(c.name)}`, c.after])),
  };
}

/** finetune-report.json and .html into each of `dirs`. */
export function writeVoiceReports(
  dirs: readonly string[],
  r: {
    outId: string;
    baseId: string;
    rows: VoiceComparisonRow[];
    comparisons: VoiceSetComparison[];
    notes: string[];
    workDir: string;
  },
): void {
  const json = `${JSON.stringify({ model: r.outId, base: r.baseId, rows: r.rows, sets: r.comparisons }, null, 2)}\n`;
  const setNotes = r.comparisons.flatMap((c) => (c.notes ?? []).map((n) => `${c.name}: ${n}`));
  const html = voiceComparisonHtml(`voice fine-tune ${r.outId}: before/after`, r.rows, [
    ...r.notes,
    ...setNotes,
    `listening pages (recording, base, adapted): ${join(r.workDir, 'listen', '<set>', 'index.html')}`,
  ]);
  for (const dir of dirs) {
    writeFileSync(join(dir, 'finetune-report.json'), json);
    writeFileSync(join(dir, 'finetune-report.html'), html);
  }
}
