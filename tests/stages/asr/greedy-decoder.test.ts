import { describe, expect, it } from 'vitest';
import { GreedyCtcDecoder, greedyDecode } from '../../../server/stages/asr/greedy-decoder.ts';
import { createVocabulary } from '../../../server/stages/asr/vocabulary.ts';
import { matrix, peakyRows, randomPeaky, rng, row } from './ctc-fixtures.ts';

const vocab = createVocabulary('en');
const FRAME_MS = 40;

function slice(m: ReturnType<typeof randomPeaky>, from: number, to: number) {
  return {
    data: m.data.subarray(from * m.vocabSize, to * m.vocabSize),
    frames: to - from,
    vocabSize: m.vocabSize,
  };
}

describe('GreedyCtcDecoder', () => {
  it('decodes a peaky matrix', () => {
    const r = greedyDecode(matrix(peakyRows('hello world', vocab)), vocab, { frameShiftMs: FRAME_MS });
    expect(r.text).toBe('hello world');
  });

  it('gives the same result streamed in random chunks as decoded whole', () => {
    const random = rng(7);
    for (let trial = 0; trial < 20; trial++) {
      const m = randomPeaky(200, vocab.size, random);
      const whole = greedyDecode(m, vocab, { frameShiftMs: FRAME_MS });
      const d = new GreedyCtcDecoder(vocab, { frameShiftMs: FRAME_MS });
      let t = 0;
      while (t < m.frames) {
        const n = Math.min(m.frames - t, 1 + Math.floor(random() * 7));
        d.push(slice(m, t, t + n));
        t += n;
      }
      const streamed = d.result();
      expect(streamed.text).toBe(whole.text);
      expect(streamed.tokens).toEqual(whole.tokens);
      expect(streamed.tokenFrames).toEqual(whole.tokenFrames);
      expect(streamed.trailingBlankFrames).toBe(whole.trailingBlankFrames);
      expect(streamed.pathLogProb).toBeCloseTo(whole.pathLogProb, 6);
    }
  });

  it('collapses a repeat that straddles a chunk boundary, but not one separated by blank', () => {
    const d = new GreedyCtcDecoder(vocab, { frameShiftMs: FRAME_MS });
    d.push(matrix([row(vocab, { l: 0.9 })]));
    const p = d.push(matrix([row(vocab, { l: 0.9 }), row(vocab, { _: 0.9 }), row(vocab, { l: 0.9 })]));
    expect(p.text).toBe('ll');
    const d2 = new GreedyCtcDecoder(vocab, { frameShiftMs: FRAME_MS });
    d2.push(matrix([row(vocab, { l: 0.9 })]));
    expect(d2.push(matrix([row(vocab, { l: 0.9 })])).changed).toBe(false);
    expect(d2.result().text).toBe('l');
  });

  it('counts trailing blanks for endpointing and resets per utterance', () => {
    const d = new GreedyCtcDecoder(vocab, { frameShiftMs: FRAME_MS });
    d.push(matrix([row(vocab, { a: 0.9 }), row(vocab, { _: 0.9 }), row(vocab, { _: 0.9 })]));
    const p = d.push(matrix([row(vocab, { _: 0.9 })]));
    expect(p.trailingBlankFrames).toBe(3);
    expect(p.trailingBlankMs).toBe(120);
    d.reset();
    expect(d.result()).toMatchObject({ text: '', framesDecoded: 0, trailingBlankFrames: 0 });
  });

  it('times words from the frames of their characters', () => {
    // frames: 0 blank, 1 h, 2 _, 3 i, 4 _, 5 space, 6 _, 7 y, 8 _, 9 o, 10 _
    const r = greedyDecode(matrix(peakyRows('hi yo', vocab)), vocab, { frameShiftMs: FRAME_MS });
    expect(r.words).toEqual([
      { word: 'hi', startMs: 40, endMs: 160 },
      { word: 'yo', startMs: 280, endMs: 400 },
    ]);
  });
});
