/** Transcript normalization shared by all loaders: the same shape as the synthetic corpus. */
import { toSpoken } from '../text/grammar.ts';

/** Lowercase, punctuation removed (apostrophes inside words kept), spaces collapsed. */
export function normalizeTranscript(text: string): string {
  return toSpoken(
    text
      .normalize('NFC')
      .replace(/[“”„"«»]/g, ' ')
      .replace(/[‘’`´]/g, "'"),
  );
}
