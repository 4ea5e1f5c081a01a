/**
 * The end of a voice fine-tune: the trained weights become a voice folder (encoder.onnx,
 * decoder.onnx, model.json with the base's alphabet, audio and prosody normalisation), the new
 * voice and the base are measured on the same held-out sentences, the reports are written, and
 * the folder appears in one rename. The card records the base, the command, the data and the
 * before/after figures.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Recognizer } from '../../eval/tts/recognizers.ts';
import type { WeightMap } from '../../train/lib/params.ts';
import { exportTtsModel } from '../../train/tts/export-tts.ts';
import type { BaseTtsModel } from '../../train/tts/init-from.ts';
import { publishModelFolder, stagingFolder } from '../lib/model-folders.ts';
import { compareVoices, type VoiceEvalSet } from './measure.ts';
import {
  formatVoiceComparison,
  type VoiceSetComparison,
  voiceComparisonHtml,
  voiceComparisonRows,
} from './report.ts';

export interface PublishVoiceInput {
  outDir: string;
  outId: string;
  base: BaseTtsModel;
  weights: WeightMap;
  /** dev first; its teacher-forced mel L1 before/after goes into its rows. */
  sets: VoiceEvalSet[];
  devTeacherForced: { before: number; after: number; utterances: number };
  evalLimit: number;
  glIterations: number;
  recognizers: readonly Recognizer[];
  workDir: string;
  /** Card `training` block (command, steps, best …). */
  training: Record<string, unknown>;
  /** Card `finetune` fields known before evaluation (base, command, backend, data, options). */
  finetune: Record<string, unknown>;
  notes: string[];
}

const round = (x: number, d = 4) => Number(x.toFixed(d));
const keySafe = (name: string) => name.replace(/[^A-Za-z0-9]+/g, '_');

export async function publishFinetunedVoice(
  p: PublishVoiceInput,
  log: (s: string) => void,
): Promise<{ comparisons: VoiceSetComparison[]; card: Record<string, unknown> }> {
  const staging = stagingFolder(p.outDir);
  rmSync(staging, { recursive: true, force: true });
  // The base card minus what the export writes and what belongs to the base's own run.
  const { model: _m, graphs: _g, training: _t, evaluation: _e, finetune: _f, ...kept } = p.base.card;
  try {
    await exportTtsModel(staging, p.weights, p.base.config, {
      ...kept,
      id: p.outId,
      version: new Date().toISOString().slice(0, 10),
      training: p.training,
      evaluation: {},
    });

    const baseName = `base ${p.base.card.id}`;
    const newName = `adapted ${p.outId}`;
    const comparisons: VoiceSetComparison[] = [];
    for (const set of p.sets) {
      const c = await compareVoices({
        models: { [baseName]: p.base.dir, [newName]: staging },
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
        ...(set.name === 'dev' ? { teacherForced: p.devTeacherForced } : {}),
        recordingsRoundTrip: c.recordingsRoundTrip,
      });
    }
    const rows = voiceComparisonRows(comparisons);
    log(`\nbefore (${p.base.card.id}) → after (${p.outId}):\n${formatVoiceComparison(rows)}`);
    for (const c of comparisons)
      for (const [rec, r] of Object.entries(c.recordingsRoundTrip))
        log(`${c.name}: the recordings themselves, round-trip WER ${rec} ${(r.wer * 100).toFixed(1)}%`);

    const cardPath = join(staging, 'model.json');
    const card = JSON.parse(readFileSync(cardPath, 'utf8')) as Record<string, unknown>;
    const dev = comparisons.find((c) => c.name === 'dev');
    card.evaluation = {
      dev_teacher_forced: {
        melL1Nats: round(p.devTeacherForced.after),
        utterances: p.devTeacherForced.utterances,
      },
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
    card.finetune = { ...p.finetune, comparison: { rows, sets: comparisons } };
    writeFileSync(cardPath, `${JSON.stringify(card, null, 2)}\n`);

    const reportJson = `${JSON.stringify({ model: p.outId, base: p.base.card.id, rows, sets: comparisons }, null, 2)}\n`;
    const html = voiceComparisonHtml(`voice fine-tune ${p.outId}: before/after`, rows, [
      ...p.notes,
      `listening pages (recording, base, adapted): ${join(p.workDir, 'listen', '<set>', 'index.html')}`,
    ]);
    for (const dir of [staging, p.workDir]) {
      writeFileSync(join(dir, 'finetune-report.json'), reportJson);
      writeFileSync(join(dir, 'finetune-report.html'), html);
    }
    publishModelFolder(staging, p.outDir);
    log(`\nnew voice ${p.outId} in ${p.outDir} (report: ${join(p.outDir, 'finetune-report.html')})`);
    return { comparisons, card };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
