import { describe, expect, it } from 'vitest';
import { beamDecode, CtcPrefixBeamSearch } from '../../../server/stages/asr/beam-decoder.ts';
import { ctcLogLikelihood } from '../../../server/stages/asr/ctc-forward.ts';
import { greedyDecode } from '../../../server/stages/asr/greedy-decoder.ts';
import { HotwordTrie } from '../../../server/stages/asr/hotwords.ts';
import { buildNgramLm } from '../../../server/stages/asr/lm-builder.ts';
import { createVocabulary, encodeText } from '../../../server/stages/asr/vocabulary.ts';
import { matrix, peakyRows, randomPeaky, rng, row } from './ctc-fixtures.ts';

const vocab = createVocabulary('en');
const FRAME_MS = 40;

/** Peaky rows for `before`, one ambiguous frame, then peaky rows for `after`. */
function ambiguous(before: string, dist: Record<string, number>, after: string): number[][] {
  return [
    ...peakyRows(before, vocab),
    row(vocab, dist),
    row(vocab, { _: 0.9 }),
    ...peakyRows(after, vocab).slice(1),
  ];
}

describe('CtcPrefixBeamSearch', () => {
  it('finds the text whose alignments sum higher than the greedy path', () => {
    // Every frame: blank 0.6, "a" 0.4. Greedy says "", but P("a") = 1 − 0.6³ − … > P("").
    const m = matrix(Array.from({ length: 3 }, () => row(vocab, { _: 0.6, a: 0.4 - 1e-4 })));
    const greedy = greedyDecode(m, vocab, { frameShiftMs: FRAME_MS });
    const beam = beamDecode(m, vocab, { frameShiftMs: FRAME_MS, beamWidth: 8 });
    expect(greedy.text).toBe('');
    expect(beam.text).toBe('a');
    expect(beam.acousticLogProb).toBeCloseTo(ctcLogLikelihood(m, encodeText('a', vocab)), 6);
    expect(beam.acousticLogProb).toBeGreaterThan(ctcLogLikelihood(m, []));
  });

  it('scores at least as well as greedy on random peaky matrices', () => {
    const random = rng(11);
    for (let trial = 0; trial < 10; trial++) {
      const m = randomPeaky(60, vocab.size, random);
      const greedy = greedyDecode(m, vocab, { frameShiftMs: FRAME_MS });
      const beam = beamDecode(m, vocab, { frameShiftMs: FRAME_MS, beamWidth: 16, topK: 8 });
      const greedyLL = ctcLogLikelihood(m, encodeText(greedy.text, vocab));
      const beamLL = ctcLogLikelihood(m, encodeText(beam.text, vocab));
      expect(beamLL).toBeGreaterThanOrEqual(greedyLL - 1e-6);
    }
  });

  it('gives the same result streamed in chunks as decoded whole', () => {
    const m = randomPeaky(120, vocab.size, rng(5));
    const whole = beamDecode(m, vocab, { frameShiftMs: FRAME_MS });
    const s = new CtcPrefixBeamSearch(vocab, { frameShiftMs: FRAME_MS });
    for (let t = 0; t < m.frames; t += 5) {
      const n = Math.min(5, m.frames - t);
      s.push({
        data: m.data.subarray(t * m.vocabSize, (t + n) * m.vocabSize),
        frames: n,
        vocabSize: m.vocabSize,
      });
    }
    const streamed = s.finalize();
    expect(streamed.text).toBe(whole.text);
    expect(streamed.score).toBeCloseTo(whole.score, 6);
    expect(streamed.tokenFrames).toEqual(whole.tokenFrames);
  });

  it('lets the LM fix an acoustically ambiguous word', () => {
    // "book a r?om": the acoustics lean to "roam", the domain text says "room".
    const rows = ambiguous('book a ro', { a: 0.5, o: 0.45 }, 'm');
    const m = matrix(rows);
    const lm = buildNgramLm(['book a room', 'i need a room', 'a room for two', 'book a table'], { order: 3 });
    const noLm = beamDecode(m, vocab, { frameShiftMs: FRAME_MS, beamWidth: 8 });
    expect(noLm.text).toBe('book a roam');
    const withLm = beamDecode(m, vocab, {
      frameShiftMs: FRAME_MS,
      beamWidth: 8,
      lm,
      lmWeight: 0.8,
      wordBonus: 1,
    });
    expect(withLm.text).toBe('book a room');
    expect(withLm.lmScore).toBeGreaterThan(withLm.nBest.find((h) => h.text === 'book a roam')!.lmScore);
  });

  it('boosts a hotword so a near miss becomes the phrase', () => {
    const m = matrix(ambiguous('call t', { a: 0.55, o: 0.4 }, 'lk'));
    const plain = beamDecode(m, vocab, { frameShiftMs: FRAME_MS });
    expect(plain.text).toBe('call talk');
    const hotwords = new HotwordTrie(['tolk'], vocab, 1.5);
    const boosted = beamDecode(m, vocab, { frameShiftMs: FRAME_MS, hotwords });
    expect(boosted.text).toBe('call tolk');
    expect(boosted.hotwordScore).toBeCloseTo(4 * 1.5, 6);
  });

  it('gives no bonus for a hotword that is started but not completed', () => {
    const m = matrix(peakyRows('tolk is here', vocab));
    const plain = beamDecode(m, vocab, { frameShiftMs: FRAME_MS });
    const hotwords = new HotwordTrie(['tolkien', { phrase: 'here', boost: 2 }], vocab);
    const r = beamDecode(m, vocab, { frameShiftMs: FRAME_MS, hotwords });
    expect(r.text).toBe('tolk is here');
    // Only "here" (4 tokens × 2) counts; the "tolk" prefix of "tolkien" was given back.
    expect(r.hotwordScore).toBeCloseTo(8, 6);
    // Scores differ by the bonus alone (up to alignments the two searches pruned differently).
    expect(Math.abs(r.score - plain.score - 8)).toBeLessThan(0.05);
    // And a phrase inside a longer word never gets a bonus (clear acoustics: a bonus larger
    // than the cost of hearing a space instead of "s" would rightly split the word).
    const inside = beamDecode(matrix(peakyRows('yorkshire', vocab, 0.99)), vocab, {
      frameShiftMs: FRAME_MS,
      hotwords: new HotwordTrie(['york'], vocab),
    });
    expect(inside.text).toBe('yorkshire');
    expect(inside.hotwordScore).toBeCloseTo(0, 9);
  });

  it('reports word timings from emission frames and a confidence', () => {
    // frames: 0 _, 1 h, 2 _, 3 i, 4 _, 5 ' ', 6 _, 7 y, 8 _, 9 o, 10 _
    const r = beamDecode(matrix(peakyRows('hi yo', vocab)), vocab, { frameShiftMs: FRAME_MS });
    expect(r.words.map(({ word, startMs, endMs }) => ({ word, startMs, endMs }))).toEqual([
      { word: 'hi', startMs: 40, endMs: 160 },
      { word: 'yo', startMs: 280, endMs: 400 },
    ]);
    expect(r.confidence).toBeGreaterThan(0.9);
    expect(r.confidence).toBeLessThanOrEqual(1);
    const unsure = beamDecode(matrix(ambiguous('call t', { a: 0.5, o: 0.48 }, 'lk')), vocab, {
      frameShiftMs: FRAME_MS,
    });
    expect(unsure.words[1].confidence).toBeLessThan(0.6);
    expect(unsure.words[0].confidence).toBeGreaterThan(0.9);
    expect(unsure.confidence).toBeLessThan(r.confidence);
  });

  it('decodes Spanish characters and exposes the best partial while streaming', () => {
    const es = createVocabulary('es');
    const rows: number[][] = [
      [...Array(es.size)].map((_, i) => Math.log(i === 0 ? 0.9 : 0.1 / (es.size - 1))),
    ];
    for (const ch of 'año señor') {
      const id = es.idOf.get(ch)!;
      rows.push([...Array(es.size)].map((_, i) => Math.log(i === id ? 0.9 : 0.1 / (es.size - 1))));
      rows.push(rows[0]);
    }
    const s = new CtcPrefixBeamSearch(es, { frameShiftMs: FRAME_MS });
    s.push(matrix(rows.slice(0, 7)));
    expect(s.bestText()).toBe('año');
    s.push(matrix(rows.slice(7)));
    expect(s.finalize().text).toBe('año señor');
  });

  it('keeps defaults for options passed as undefined', () => {
    const r = beamDecode(matrix(peakyRows('ok', vocab)), vocab, {
      frameShiftMs: FRAME_MS,
      beamWidth: undefined,
      lmWeight: undefined,
    });
    expect(r.text).toBe('ok');
    expect(Number.isFinite(r.score)).toBe(true);
  });

  it('decodes an empty (all blank) input to empty text', () => {
    const r = beamDecode(matrix([row(vocab, { _: 0.99 }), row(vocab, { _: 0.99 })]), vocab, {
      frameShiftMs: FRAME_MS,
    });
    expect(r.text).toBe('');
    expect(r.words).toEqual([]);
  });
});
