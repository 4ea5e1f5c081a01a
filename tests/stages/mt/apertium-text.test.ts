import { describe, expect, it } from 'vitest';
import { fromApertiumStream, toApertiumStream } from '../../../server/stages/mt/apertium-text.ts';

describe('apertium stream format', () => {
  it('escapes stream-format characters, flattens lines, drops NULs, ends with a blank and the request id', () => {
    expect(toApertiumStream('a [b] ^c$ d/e @f <g> {h} \\i', 3)).toBe(
      'a \\[b\\] \\^c\\$ d\\/e \\@f \\<g\\> \\{h\\} \\\\i[][tolk-3]',
    );
    expect(toApertiumStream('  one\n two\0  ', 7)).toBe('one two[][tolk-7]');
  });

  it('drops superblanks, unescapes, and removes unknown-word marks', () => {
    expect(fromApertiumStream('Hola.[][tolk-12]')).toBe('Hola.');
    expect(fromApertiumStream(' Necesito un taxi[][\n]')).toBe('Necesito un taxi');
    expect(fromApertiumStream('El *xyzzy sala #ir @have bien.[]')).toBe('El xyzzy sala ir have bien.');
    expect(fromApertiumStream('info\\@hotel.com \\[ahora\\] #1')).toBe('info@hotel.com [ahora] #1');
    expect(fromApertiumStream('El ZXQAA  la puerta[[t:b:x]]rota[]')).toBe('El ZXQAA la puerta rota');
  });

  it('round-trips text that needs no translation', () => {
    const text = 'Room 12 [east wing] costs $90/night, email desk@hotel.example';
    expect(fromApertiumStream(toApertiumStream(text))).toBe(text);
  });
});
