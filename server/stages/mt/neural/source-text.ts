/**
 * What the neural model was trained to read: ASR-style text (lower case, no punctuation).
 * Written input (the eval's --written, a typed message) is brought to that form; glossary
 * placeholders (ZXQAA…) keep their capitals because they are tokens of their own.
 */
const PLACEHOLDER = /^ZXQ[A-Z]{2}$/;

export function asrStyle(text: string): string {
  return text
    .normalize('NFC')
    .split(/\s+/)
    .map((w) => (PLACEHOLDER.test(w) ? w : w.toLocaleLowerCase()))
    .join(' ')
    .replace(/[^\p{L}\p{N}'’\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Words of ASR-style text, placeholders left out (they are never unknown). */
export function sourceWords(text: string): string[] {
  return asrStyle(text)
    .split(' ')
    .filter((w) => w && !PLACEHOLDER.test(w));
}
