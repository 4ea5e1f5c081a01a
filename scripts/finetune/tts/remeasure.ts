/**
 * `npm run finetune -- tts … --measure-only`: the before/after of a finished voice fine-tune
 * measured again (free-running mel L1, frame ratio, MCD, and with --roundtrip the round-trip
 * WER) without training or exporting: the published --out folder against --base on --dev and
 * --test. The teacher-forced dev mel L1 needs the alignment and the training model, so it is
 * kept from the card. The card's evaluation and comparison and both reports are rewritten; the
 * weights are not touched. For a measurement that went wrong (a recognizer failure), or one
 * with recognizers that were not installed when the run ended.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeMels } from '../../train/tts/dataset.ts';
import { loadBaseTtsModel } from '../../train/tts/init-from.ts';
import { FinetuneUsageError, modelIdOf } from '../lib/model-folders.ts';
import type { TtsFinetuneOptions } from './args.ts';
import { evaluationFields, measureBeforeAfter, writeVoiceReports } from './before-after.ts';
import { loadMeasureSets, voiceEvalSets } from './data.ts';
import type { VoiceSetComparison } from './report.ts';
import { roundTripRecognizers } from './roundtrip.ts';

interface FinetuneCard {
  finetune?: {
    base?: { id?: string };
    options?: { evalLimit?: number; glIterations?: number };
    comparison?: { rows?: unknown; sets?: VoiceSetComparison[] };
    [key: string]: unknown;
  };
  evaluation?: Record<string, unknown>;
  [key: string]: unknown;
}

function readFinetuneCard(outDir: string): FinetuneCard {
  const path = join(outDir, 'model.json');
  if (!existsSync(path))
    throw new FinetuneUsageError(`--measure-only: ${outDir} has no model.json; run the fine-tune first`);
  const card = JSON.parse(readFileSync(path, 'utf8')) as FinetuneCard;
  if (!card.finetune)
    throw new FinetuneUsageError(`--measure-only: ${path} is not a fine-tuned voice (no "finetune" block)`);
  return card;
}

export async function remeasureTtsFinetune(
  o: TtsFinetuneOptions,
  log: (s: string) => void = (s) => console.log(s),
): Promise<{ comparisons: VoiceSetComparison[]; card: Record<string, unknown> }> {
  const card = readFinetuneCard(o.outDir);
  const outId = modelIdOf(o.outDir);
  const base = await loadBaseTtsModel(o.baseDir).catch((err: Error) => {
    throw new FinetuneUsageError(`--base ${o.baseDir}: ${err.message}`);
  });
  const from = card.finetune?.base?.id;
  if (from && from !== base.card.id)
    throw new FinetuneUsageError(`--measure-only: ${outId} was fine-tuned from ${from}, not ${base.card.id}`);
  const ran = card.finetune?.options ?? {};
  if (
    (ran.evalLimit !== undefined && ran.evalLimit !== o.evalLimit) ||
    (ran.glIterations !== undefined && ran.glIterations !== o.glIterations)
  )
    log(
      `warning: the run measured with --eval-limit ${ran.evalLimit} --gl-iters ${ran.glIterations}; ` +
        `this measures with ${o.evalLimit} / ${o.glIterations}`,
    );
  log(`measure only: base ${base.card.id} (${o.baseDir}) → ${outId} (${o.outDir}); no training`);

  const lang = base.lang;
  const { dev, tests } = loadMeasureSets(o, lang, o.limits, log);
  for (const set of [dev, ...tests]) normalizeMels(set.utterances, base.stats);
  const devTeacherForced = card.finetune?.comparison?.sets?.find((s) => s.name === 'dev')?.teacherForced;

  const recognizers = o.roundtrip ? await roundTripRecognizers(lang, o.modelsDir, log) : [];
  try {
    const { comparisons, rows } = await measureBeforeAfter(
      {
        base,
        adaptedId: outId,
        adaptedDir: o.outDir,
        sets: voiceEvalSets(dev, tests),
        devTeacherForced,
        evalLimit: o.evalLimit,
        glIterations: o.glIterations,
        recognizers,
        workDir: o.workDir,
      },
      log,
    );
    card.evaluation = { ...card.evaluation, ...evaluationFields(comparisons, devTeacherForced) };
    card.finetune = {
      ...card.finetune,
      comparison: { rows, sets: comparisons },
      remeasured: {
        command: o.command,
        date: new Date().toISOString(),
        evalLimit: o.evalLimit,
        glIterations: o.glIterations,
        roundtrip: recognizers.map((r) => r.name),
        note: 'before/after measured again by --measure-only; teacher-forced dev mel L1 kept from the run',
      },
    };
    // A served folder: its card is replaced in one rename, never seen half written.
    const cardPath = join(o.outDir, 'model.json');
    writeFileSync(`${cardPath}.tmp`, `${JSON.stringify(card, null, 2)}\n`);
    renameSync(`${cardPath}.tmp`, cardPath);
    writeVoiceReports([o.outDir, o.workDir], {
      outId,
      baseId: base.card.id,
      rows,
      comparisons,
      notes: [
        `base ${base.card.id} → ${outId}; before/after measured again (no training): ${o.command}`,
        `MCD: Griffin-Lim ${o.glIterations} iterations, first ${o.evalLimit} sentences per set`,
      ],
      workDir: o.workDir,
    });
    log(`\nreport of ${outId} rewritten: ${join(o.outDir, 'finetune-report.html')}`);
    return { comparisons, card };
  } finally {
    for (const r of recognizers) await r.close?.();
  }
}
