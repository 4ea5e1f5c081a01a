/**
 * Dev tuning of the final beam search's LM weight α and word bonus β for one ASR model: every
 * (α, β) on a grid decodes the same utterances (acoustic log-probs computed once), the pair with
 * the lowest WER (ties: lower CER) wins and is written into the model card as `lm.weight` /
 * `lm.wordBonus`, which the server uses unless TOLK_ASR_LM_WEIGHT overrides it.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import type { AsrEngine } from '../../server/stages/asr/engine.ts';
import { scoreCorpus } from './metrics/wer.ts';

export const DEFAULT_LM_WEIGHTS = [0, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0];
export const DEFAULT_WORD_BONUSES = [0, 0.5, 1, 1.5, 2, 2.5, 3];

export interface LmGridPoint {
  lmWeight: number;
  wordBonus: number;
  wer: number;
  cer: number;
}

export interface TuneInput {
  audio: Float32Array;
  reference: string;
}

/** Decodes every input at every grid point; returns the points sorted best first. */
export async function tuneLm(
  engine: AsrEngine,
  inputs: readonly TuneInput[],
  weights: readonly number[] = DEFAULT_LM_WEIGHTS,
  bonuses: readonly number[] = DEFAULT_WORD_BONUSES,
): Promise<LmGridPoint[]> {
  const bar = new cliProgress.SingleBar(
    { format: 'tune α/β {bar} {value}/{total} | ETA {eta_formatted}', stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  bar.start(weights.length * bonuses.length, 0);
  const points: LmGridPoint[] = [];
  for (const lmWeight of weights) {
    for (const wordBonus of bonuses) {
      const items = [];
      for (const input of inputs) {
        const final = await engine.transcribe(input.audio, { lm: { lmWeight, wordBonus } });
        items.push({ ref: input.reference, hyp: final.text });
      }
      const score = scoreCorpus(items, engine.lang);
      points.push({ lmWeight, wordBonus, wer: score.wer, cer: score.cer });
      bar.increment();
    }
  }
  bar.stop();
  return points.sort((a, b) => a.wer - b.wer || a.cer - b.cer);
}

/** Stores the winning α/β (and how they were found) in the card's `lm` entry, atomically. */
export function recordTunedLm(
  modelDir: string,
  best: LmGridPoint,
  provenance: { manifest: string; utterances: number; command: string },
): void {
  const path = join(modelDir, 'model.json');
  const card = JSON.parse(readFileSync(path, 'utf8')) as { lm?: Record<string, unknown> | null };
  if (!card.lm) throw new Error(`${path} has no LM to tune`);
  card.lm = {
    ...card.lm,
    weight: best.lmWeight,
    wordBonus: best.wordBonus,
    tuned: { ...provenance, wer: best.wer, cer: best.cer, date: new Date().toISOString() },
  };
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(card, null, 2)}\n`);
  renameSync(tmp, path);
}
