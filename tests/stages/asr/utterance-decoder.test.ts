import { describe, expect, it } from 'vitest';
import { UtteranceDecoder, type UtteranceEvent } from '../../../server/stages/asr/utterance-decoder.ts';
import { createVocabulary } from '../../../server/stages/asr/vocabulary.ts';
import { matrix, peakyRows, row } from './ctc-fixtures.ts';

const vocab = createVocabulary('en');
const FRAME_MS = 40;

function feed(
  d: UtteranceDecoder,
  rows: number[][],
  chunkFrames = 5,
  vadEndAtLast = false,
): UtteranceEvent[] {
  const events: UtteranceEvent[] = [];
  for (let t = 0; t < rows.length; t += chunkFrames) {
    const part = rows.slice(t, t + chunkFrames);
    events.push(...d.push(matrix(part), vadEndAtLast && t + chunkFrames >= rows.length));
  }
  return events;
}

const silence = (frames: number) => Array.from({ length: frames }, () => row(vocab, { _: 0.99 }));

describe('UtteranceDecoder', () => {
  for (const beamMode of ['incremental', 'on-endpoint'] as const) {
    it(`emits growing partials, then a final on trailing silence (${beamMode})`, () => {
      const d = new UtteranceDecoder({ vocab, frameShiftMs: FRAME_MS, beamMode });
      const events = feed(d, [...peakyRows('book a room', vocab), ...silence(30)]);
      const partials = events.filter((e) => e.type === 'partial').map((e) => (e as { text: string }).text);
      expect(partials.length).toBeGreaterThan(2);
      expect(partials.at(-1)).toBe('book a room');
      const final = events.find((e) => e.type === 'final');
      expect(final).toMatchObject({ type: 'final', reason: 'rule2' });
      if (final?.type === 'final') {
        expect(final.result.text).toBe('book a room');
        expect(final.result.words.map((w) => w.word)).toEqual(['book', 'a', 'room']);
      }
    });
  }

  it('ends on the VAD event and starts a fresh utterance after it', () => {
    const d = new UtteranceDecoder({ vocab, frameShiftMs: FRAME_MS });
    const first = feed(d, peakyRows('hi', vocab), 5, true);
    expect(first.at(-1)).toMatchObject({ type: 'final', reason: 'vad' });
    const second = feed(d, peakyRows('yo', vocab));
    expect(second.filter((e) => e.type === 'partial').at(-1)).toMatchObject({ text: 'yo' });
    expect(d.flush()).toMatchObject({ type: 'final', reason: 'flush', result: { text: 'yo' } });
    expect(d.flush()).toBeNull();
  });

  it('discards a noise-only utterance instead of sending an empty final', () => {
    const d = new UtteranceDecoder({ vocab, frameShiftMs: FRAME_MS });
    const events = feed(d, silence(70));
    expect(events).toEqual([{ type: 'discarded', reason: 'rule1', utteranceMs: 2400 }]);
  });

  it('applies session hotwords from the next utterance', () => {
    const rows = [...peakyRows('call t', vocab), row(vocab, { a: 0.55, o: 0.4 }), ...peakyRows('lk', vocab)];
    const d = new UtteranceDecoder({ vocab, frameShiftMs: FRAME_MS });
    feed(d, rows);
    expect(d.flush()).toMatchObject({ result: { text: 'call talk' } });
    d.setHotwords(['tolk']);
    feed(d, rows);
    expect(d.flush()).toMatchObject({ result: { text: 'call tolk' } });
  });
});
