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
import { evaluationFields, measureBeforeAfter, writeVoiceReports } from './before-after.ts';
import type { VoiceEvalSet } from './measure.ts';
import type { VoiceSetComparison } from './report.ts';

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

    const { comparisons, rows } = await measureBeforeAfter(
      {
        base: p.base,
        adaptedId: p.outId,
        adaptedDir: staging,
        sets: p.sets,
        devTeacherForced: p.devTeacherForced,
        evalLimit: p.evalLimit,
        glIterations: p.glIterations,
        recognizers: p.recognizers,
        workDir: p.workDir,
      },
      log,
    );

    const cardPath = join(staging, 'model.json');
    const card = JSON.parse(readFileSync(cardPath, 'utf8')) as Record<string, unknown>;
    card.evaluation = evaluationFields(comparisons, p.devTeacherForced);
    card.finetune = { ...p.finetune, comparison: { rows, sets: comparisons } };
    writeFileSync(cardPath, `${JSON.stringify(card, null, 2)}\n`);
    writeVoiceReports([staging, p.workDir], {
      outId: p.outId,
      baseId: p.base.card.id,
      rows,
      comparisons,
      notes: p.notes,
      workDir: p.workDir,
    });
    publishModelFolder(staging, p.outDir);
    log(`\nnew voice ${p.outId} in ${p.outDir} (report: ${join(p.outDir, 'finetune-report.html')})`);
    return { comparisons, card };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
