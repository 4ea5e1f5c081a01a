/**
 * Recognition errors injected into ASR-style sources while training, so the model meets at
 * training time what a recognizer hands it: near-homophone swaps, character slips (a wrong,
 * dropped or doubled letter), dropped words and repeated words. Deterministic given the Rng.
 */
import type { Rng } from '../lib/rng.ts';

export interface AsrNoiseConfig {
  /** Share of sentences that get any error. */
  sentenceRate: number;
  /** Per-word chance of an error in a noisy sentence. */
  wordRate: number;
}

export const DEFAULT_ASR_NOISE: AsrNoiseConfig = { sentenceRate: 0.35, wordRate: 0.12 };

/** Groups of words a recognizer confuses (sound alike in the language). */
const HOMOPHONES: Record<string, string[][]> = {
  en: [
    ['to', 'two', 'too'],
    ['for', 'four'],
    ['there', 'their', "they're"],
    ['here', 'hear'],
    ['right', 'write'],
    ['know', 'no'],
    ['by', 'buy', 'bye'],
    ['see', 'sea'],
    ['week', 'weak'],
    ['meet', 'meat'],
    ['one', 'won'],
    ['eight', 'ate'],
    ['where', 'wear'],
    ['would', 'wood'],
    ['hour', 'our'],
    ['fare', 'fair'],
    ['plane', 'plain'],
    ['room', 'rum'],
    ['the', 'a'],
    ['a', 'an'],
    ['is', 'his'],
    ['can', "can't"],
  ],
  es: [
    ['hay', 'ahí', 'ay'],
    ['a', 'ha', 'ah'],
    ['e', 'he', 'y'],
    ['o', 'oh'],
    ['vaya', 'valla', 'baya'],
    ['tuvo', 'tubo'],
    ['hola', 'ola'],
    ['echo', 'hecho'],
    ['casa', 'caza'],
    ['vez', 'ves'],
    ['si', 'sí'],
    ['el', 'él'],
    ['tu', 'tú'],
    ['mi', 'mí'],
    ['de', 'dé'],
    ['que', 'qué'],
    ['esta', 'está'],
    ['haber', 'a ver'],
    ['hasta', 'asta'],
    ['las', 'la'],
    ['los', 'lo'],
  ],
};

/** Letters a recognizer's spelling confuses (similar sound), either way round. */
const LETTER_SWAPS: Record<string, [string, string][]> = {
  en: [
    ['c', 'k'],
    ['s', 'z'],
    ['i', 'e'],
    ['m', 'n'],
    ['t', 'd'],
    ['p', 'b'],
    ['f', 'v'],
    ['ee', 'ea'],
  ],
  es: [
    ['b', 'v'],
    ['y', 'll'],
    ['s', 'z'],
    ['c', 's'],
    ['g', 'j'],
    ['á', 'a'],
    ['é', 'e'],
    ['í', 'i'],
    ['ó', 'o'],
    ['m', 'n'],
  ],
};

function homophone(word: string, lang: string, rng: Rng): string | null {
  for (const group of HOMOPHONES[lang] ?? []) {
    if (group.includes(word)) {
      const others = group.filter((w) => w !== word);
      return others[rng.int(others.length)];
    }
  }
  return null;
}

function letterSlip(word: string, lang: string, rng: Rng): string {
  const swaps = (LETTER_SWAPS[lang] ?? []).filter(([a, b]) => word.includes(a) || word.includes(b));
  const kind = rng.int(swaps.length ? 3 : 2);
  const chars = [...word];
  const i = rng.int(chars.length);
  if (kind === 0 && chars.length > 3) return [...chars.slice(0, i), ...chars.slice(i + 1)].join('');
  if (kind === 1) return [...chars.slice(0, i + 1), chars[i], ...chars.slice(i + 1)].join('');
  const [a, b] = swaps[rng.int(swaps.length)] ?? ['', ''];
  if (!a) return word;
  return word.includes(a) ? word.replace(a, b) : word.replace(b, a);
}

/** A noisy copy of an ASR-style sentence (placeholders ZXQ.. are never touched). */
export function addAsrNoise(
  text: string,
  lang: string,
  rng: Rng,
  cfg: AsrNoiseConfig = DEFAULT_ASR_NOISE,
): string {
  if (rng.next() >= cfg.sentenceRate) return text;
  const words = text.split(' ');
  const out: string[] = [];
  for (const w of words) {
    if (w.startsWith('ZXQ') || rng.next() >= cfg.wordRate) {
      out.push(w);
      continue;
    }
    const r = rng.next();
    const h = homophone(w, lang, rng);
    if (h && r < 0.5) out.push(h);
    else if (r < 0.75) out.push(letterSlip(w, lang, rng));
    else if (r < 0.92 && words.length > 3) {
      // dropped word
    } else out.push(w, w);
  }
  return out.length ? out.join(' ') : text;
}
