import { describe, expect, it } from 'vitest';
import { Endpointer } from '../../../server/stages/frontend/endpointer.ts';
import type { FrontendEvent } from '../../../server/stages/frontend/types.ts';

const RATE = 16000;
const FRAME = 480; // 30 ms

/** Feeds frames described by a string: '.' = quiet unvoiced, 'v' = loud voiced, 'n' = quiet but voiced. */
function run(
  pattern: string,
  options: Partial<ConstructorParameters<typeof Endpointer>[0]> = {},
  probability = 1,
) {
  const ep = new Endpointer({
    sampleRate: RATE,
    frameSamples: FRAME,
    speechStartMs: 90,
    hangoverMs: 300,
    preRollMs: 60,
    ...options,
  });
  const events: FrontendEvent[] = [];
  const loud = new Float32Array(FRAME).fill(0.1); // −20 dBFS
  const quiet = new Float32Array(FRAME).fill(0.0001); // −80 dBFS
  for (const c of pattern) {
    ep.frame(c === 'v' ? loud : quiet, c !== '.', probability, events);
    ep.drain(events);
  }
  ep.finish(new Float32Array(0), events);
  return events;
}

const marks = (events: FrontendEvent[]) =>
  events.flatMap((e) =>
    e.type === 'speech_start' || e.type === 'speech_end' ? [`${e.type}@${e.streamMs}`] : [],
  );

describe('endpointer', () => {
  it('starts at the first voiced frame after speechStartMs, ends at the last voiced frame after hangoverMs', () => {
    // 10 quiet frames (300 ms), 20 voiced (600 ms), 12 quiet (360 ms ≥ 300 ms hangover).
    const events = run(`${'.'.repeat(10)}${'v'.repeat(20)}${'.'.repeat(12)}`);
    expect(marks(events)).toEqual(['speech_start@300', 'speech_end@900']);
  });

  it('ignores voiced runs shorter than speechStartMs and pauses shorter than hangoverMs', () => {
    const events = run(
      `${'.'.repeat(10)}vv${'.'.repeat(5)}${'v'.repeat(10)}${'.'.repeat(9)}${'v'.repeat(5)}${'.'.repeat(20)}`,
    );
    // The 60 ms blip at 300 ms is not speech; the 270 ms pause inside speech does not end it.
    expect(marks(events)).toEqual(['speech_start@510', 'speech_end@1230']);
  });

  it('delivers pre-roll and utterance audio contiguously, through the hangover', () => {
    const events = run(`${'.'.repeat(10)}${'v'.repeat(5)}${'.'.repeat(10)}`);
    const audio = events.filter((e) => e.type === 'speech_audio');
    expect(audio[0].type === 'speech_audio' && audio[0].streamMs).toBe(240); // 300 − 60 ms pre-roll
    const samples = audio.reduce((n, e) => n + (e.type === 'speech_audio' ? e.samples.length : 0), 0);
    expect(samples).toBe((2 + 5 + 10) * FRAME); // pre-roll, speech, hangover frames
  });

  it('does not let quiet frames that webrtcvad calls voiced extend an utterance (its overhang)', () => {
    // 'n' frames are 60 dB below the speech: counted as silence inside an utterance.
    const events = run(`${'.'.repeat(10)}${'v'.repeat(10)}nnn${'.'.repeat(10)}`);
    expect(marks(events)).toEqual(['speech_start@300', 'speech_end@600']);
  });

  it('cannot open an utterance on frames at the noise floor, even if webrtcvad calls them voiced', () => {
    expect(marks(run('n'.repeat(30)))).toEqual([]);
  });

  it('needs RNNoise to confirm an onset when denoising', () => {
    expect(marks(run(`${'.'.repeat(5)}${'v'.repeat(10)}`, {}, 0.1))).toEqual([]);
    expect(marks(run(`${'.'.repeat(5)}${'v'.repeat(10)}`, {}, 0.9))).toEqual([
      'speech_start@150',
      'speech_end@450',
    ]);
  });

  it('closes an open utterance at the end of the stream', () => {
    expect(marks(run(`..${'v'.repeat(8)}`))).toEqual(['speech_start@60', 'speech_end@300']);
  });
});
