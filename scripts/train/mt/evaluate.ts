/**
 * Scores the model the way it is served: export the current weights to a folder, load it with
 * the neural engine (ONNX Runtime, cached decoder steps) and translate, per direction, with
 * corpus chrF and BLEU (scripts/eval/metrics).
 */

import type { DecodingOptions } from '../../../server/stages/mt/neural/model-card.ts';
import { loadNeuralMtEngine } from '../../../server/stages/mt/neural/neural-engine.ts';
import { corpusBleu } from '../../eval/metrics/bleu.ts';
import { corpusChrf } from '../../eval/metrics/chrf.ts';
import type { TextExample } from './dataset.ts';

export interface DirectionScore {
  chrf: number;
  bleu: number;
  sentences: number;
  ms_per_sentence: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Translates `examples` with the model folder `dir`; scores per "src-tgt". */
export async function scoreModelDir(
  dir: string,
  examples: TextExample[],
  decoding: Partial<DecodingOptions> = {},
): Promise<Record<string, DirectionScore>> {
  const engine = await loadNeuralMtEngine(dir, { decoding });
  try {
    const by = new Map<string, { hyps: string[]; refs: string[]; ms: number }>();
    for (const e of examples) {
      const key = `${e.sourceLang}-${e.targetLang}`;
      let acc = by.get(key);
      if (!acc) by.set(key, (acc = { hyps: [], refs: [], ms: 0 }));
      const t0 = performance.now();
      const r = await engine.translate(e.source, { source: e.sourceLang, target: e.targetLang });
      acc.ms += performance.now() - t0;
      acc.hyps.push(r.text);
      acc.refs.push(e.target);
    }
    const out: Record<string, DirectionScore> = {};
    for (const [key, a] of by)
      out[key] = {
        chrf: round2(corpusChrf(a.hyps, [a.refs])),
        bleu: round2(corpusBleu(a.hyps, [a.refs]).score),
        sentences: a.hyps.length,
        ms_per_sentence: round2(a.ms / Math.max(1, a.hyps.length)),
      };
    return out;
  } finally {
    await engine.close();
  }
}

/** Mean chrF over directions (the best-checkpoint metric). */
export function meanChrf(scores: Record<string, DirectionScore>): number {
  const v = Object.values(scores);
  return round2(v.reduce((a, s) => a + s.chrf, 0) / Math.max(1, v.length));
}
