/**
 * Plain text ⇄ apertium stream format, done here instead of by apertium-destxt/-retxt:
 * the Debian 3.8 deformatter drops NUL characters (so null-flush mode cannot frame requests
 * through the `apertium` wrapper), and the wrapper opens /dev/stdin, which fails on the
 * socket pairs Node uses for child stdio. We feed the mode pipeline directly instead.
 */

/** Characters apertium-destxt escapes; unescaped they would open lexical units or blanks. */
const SPECIAL = /[\\[\]^$/@<>{}]/g;

/**
 * One request body: escaped text on one line, an empty superblank (without a trailing blank
 * the final punctuation mark is lost: "Hello." → "Hola"), and a superblank carrying the
 * request id, which apertium passes through untouched so a reply can be matched to its
 * request. NULs are removed because they frame requests; the caller appends the final one.
 */
export function toApertiumStream(text: string, requestId = 0): string {
  const oneLine = text.replace(/\0/g, '').replace(/\s+/g, ' ').trim();
  return `${oneLine.replace(SPECIAL, '\\$&')}[]${requestMarker(requestId)}`;
}

export function requestMarker(requestId: number): string {
  return `[tolk-${requestId}]`;
}

/**
 * Undoes the stream format on one output frame: drops superblanks (`[...]`, `[[...]]`),
 * unescapes `\x`, and removes the marks apertium puts before a word it could not handle
 * (`*` unknown, `#` no generation, `@` not in the bilingual dictionary). Escaped input
 * characters come back escaped, so a user's own "@" or "#" survives.
 */
export function fromApertiumStream(frame: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < frame.length; i++) {
    const c = frame[i];
    if (c === '\\' && i + 1 < frame.length) {
      if (depth === 0) out += frame[i + 1];
      i++;
      continue;
    }
    if (c === '[') {
      depth++;
      continue;
    }
    if (c === ']' && depth > 0) {
      depth--;
      // Superblanks stand for spacing in the source; keep words apart.
      if (depth === 0) out += ' ';
      continue;
    }
    if (depth > 0) continue;
    if ((c === '*' || c === '#' || c === '@') && atWordStart(out) && /[\p{L}]/u.test(frame[i + 1] ?? ''))
      continue;
    out += c;
  }
  return out
    .replace(/\s+/g, ' ')
    .replace(/ ([.,;:!?])/g, '$1')
    .trim();
}

function atWordStart(out: string): boolean {
  return out.length === 0 || /[\s¿¡("'«]$/u.test(out);
}
