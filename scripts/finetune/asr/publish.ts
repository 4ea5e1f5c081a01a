/**
 * The end of a fine-tune: the trained weights become a model folder (ONNX graph, the base's LM,
 * a card that records base, command, data and before/after), the new model is measured on the
 * same sets as the base, the reports are written, and the folder appears in one rename.
 */
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AsrFeatureConfig } from '../../../server/stages/asr/features.ts';
import type { AsrLanguage, CharVocabulary } from '../../../server/stages/asr/vocabulary.ts';
import type { SystemFigures } from '../../eval/asr.ts';
import { type AsrModelCard, exportAsrModel } from '../../train/asr/export-asr.ts';
import type { AsrModelConfig } from '../../train/asr/model.ts';
import type { WeightMap } from '../../train/lib/params.ts';
import { publishModelFolder, stagingFolder } from '../lib/model-folders.ts';
import {
  comparisonHtml,
  comparisonRows,
  type EvalSet,
  evaluateSet,
  formatComparison,
  type SetComparison,
} from './before-after.ts';

export interface PublishInput {
  outDir: string;
  outId: string;
  baseDir: string;
  baseCard: {
    id: string;
    version?: string;
    lm?: ({ file: string } & Record<string, unknown>) | null;
    training?: Record<string, unknown>;
  };
  weights: WeightMap;
  cfg: AsrModelConfig;
  features: AsrFeatureConfig;
  vocab: CharVocabulary;
  lang: AsrLanguage;
  sets: EvalSet[];
  before: Record<string, SystemFigures>;
  decoder: 'beam' | 'greedy';
  workDir: string;
  command: string;
  /** Card `finetune` fields known before evaluation (base, backend, data, options, result). */
  finetune: Record<string, unknown> & { result: Record<string, unknown> };
  notes: string[];
}

export async function publishFinetunedModel(
  p: PublishInput,
  log: (s: string) => void,
): Promise<{ comparisons: SetComparison[]; card: Record<string, unknown> }> {
  const staging = stagingFolder(p.outDir);
  rmSync(staging, { recursive: true, force: true });
  const lm = p.baseCard.lm ?? null;
  try {
    await exportAsrModel(
      staging,
      p.weights,
      p.cfg,
      {
        id: p.outId,
        kind: 'asr',
        version: new Date().toISOString().slice(0, 10),
        languages: [p.lang],
        features: p.features,
        vocabulary: [...p.vocab.tokens],
        lm: lm as AsrModelCard['lm'],
        training: {},
        evaluation: {},
      },
      p.vocab,
    );
    if (lm) copyFileSync(join(p.baseDir, lm.file), join(staging, lm.file));

    const comparisons: SetComparison[] = [];
    for (const set of p.sets) {
      const after = await evaluateSet(staging, set, { decoder: p.decoder, progress: false });
      comparisons.push({
        name: set.name,
        manifest: set.manifest,
        decoder: after.decoder,
        before: p.before[set.name],
        after,
      });
    }
    const rows = comparisonRows(comparisons);
    const decoder = comparisons[0]?.decoder ?? p.decoder;
    log(`\nbefore (${p.baseCard.id}) → after (${p.outId}), ${decoder} decoding:\n${formatComparison(rows)}`);

    const cardPath = join(staging, 'model.json');
    const card = JSON.parse(readFileSync(cardPath, 'utf8')) as Record<string, unknown>;
    card.training = {
      command: p.command,
      finetunedFrom: p.baseCard.id,
      ...p.finetune.result,
      base: p.baseCard.training ?? null,
    };
    // Keys like the ones `npm run eval -- asr --record` writes: the set's name, made key-safe.
    card.evaluation = Object.fromEntries(
      comparisons.map((c) => [`finetune_${c.name.replace(/[^A-Za-z0-9]+/g, '_')}`, c.after]),
    );
    card.finetune = { ...p.finetune, comparison: { decoder, rows, sets: comparisons } };
    writeFileSync(cardPath, `${JSON.stringify(card, null, 2)}\n`);

    const reportJson = `${JSON.stringify({ model: p.outId, base: p.baseCard.id, rows, sets: comparisons }, null, 2)}\n`;
    const html = comparisonHtml(`fine-tune ${p.outId}: before/after`, rows, [
      `${decoder} decoding`,
      ...p.notes,
    ]);
    for (const dir of [staging, p.workDir]) {
      writeFileSync(join(dir, 'finetune-report.json'), reportJson);
      writeFileSync(join(dir, 'finetune-report.html'), html);
    }
    publishModelFolder(staging, p.outDir);
    log(`\nnew model ${p.outId} in ${p.outDir} (report: ${join(p.outDir, 'finetune-report.html')})`);
    return { comparisons, card };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
