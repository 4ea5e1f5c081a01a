/**
 * Word timings from the frames where each character was emitted. A word starts at the frame of
 * its first character and ends one frame after its last character (CTC spikes are one frame
 * wide, so the character "occupies" that frame).
 */
import type { WordTiming } from './ctc-types.ts';
import type { CharVocabulary } from './vocabulary.ts';

export function wordTimingsFromTokens(
  tokens: readonly number[],
  frames: readonly number[],
  vocab: CharVocabulary,
  frameShiftMs: number,
): WordTiming[] {
  const words: WordTiming[] = [];
  let word = '';
  let firstFrame = -1;
  let lastFrame = -1;
  const close = () => {
    if (word.length > 0) {
      words.push({ word, startMs: firstFrame * frameShiftMs, endMs: (lastFrame + 1) * frameShiftMs });
    }
    word = '';
  };
  for (let i = 0; i < tokens.length; i++) {
    const id = tokens[i];
    if (id === vocab.blankId) continue;
    if (id === vocab.spaceId) {
      close();
      continue;
    }
    if (word.length === 0) firstFrame = frames[i];
    word += vocab.tokens[id];
    lastFrame = frames[i];
  }
  close();
  return words;
}
