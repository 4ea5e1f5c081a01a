import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApertiumEngine,
  createApertiumEngine,
  hasApertium,
} from '../../../server/stages/mt/apertium-engine.ts';
import { createGlossary } from '../../../server/stages/mt/glossary.ts';

const enEs = { source: 'en', target: 'es' };
const esEn = { source: 'es', target: 'en' };

describe('apertium engine without apertium data', () => {
  it('fails with engine_unavailable and the install line', async () => {
    const err = await createApertiumEngine({ dataDir: '/nonexistent/apertium' }).catch((e) => e);
    expect(err).toMatchObject({ code: 'engine_unavailable', stage: 'mt' });
    expect(err.message).toMatch(/apt-get install apertium apertium-eng-spa/);
  });
});

describe.skipIf(!hasApertium())('apertium engine (needs apertium + apertium-eng-spa)', () => {
  let engine: ApertiumEngine;
  beforeAll(async () => {
    engine = await createApertiumEngine({ timeoutMs: 10_000 });
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('serves en-es and es-en', () => {
    expect(engine.languagePairs()).toEqual(expect.arrayContaining([enEs, esEn]));
  });

  it('translates a real sentence both ways', async () => {
    const es = await engine.translate('I need a taxi to the airport.', enEs);
    expect(es).toEqual({ text: 'Necesito un taxi al aeropuerto.', engine: 'apertium' });
    const en = await engine.translate('Necesito una habitación doble para dos noches.', esEn);
    expect(en.text).toBe('I need a double room for two nights.');
  });

  it('translates like the apertium command line (up to spacing)', async () => {
    const rows = readFileSync('tests/fixtures/mt/sample-pairs.jsonl', 'utf8')
      .split('\n')
      .filter(Boolean)
      .slice(0, 8)
      .map((l) => JSON.parse(l) as { src: string; tgt: string });
    const cli = (text: string, mode: string) =>
      // Through a real pipe: the wrapper opens /dev/stdin, which a Node socket pair cannot back.
      execFileSync('bash', ['-c', 'printf "%s\\n" "$1" | apertium -u "$2"', '_', text, mode])
        .toString()
        .replace(/\s+/g, ' ')
        .replace(/ ([.,;:!?])/g, '$1')
        .trim();
    const plain = await createApertiumEngine({ restoreCasing: false });
    try {
      for (const row of rows) {
        expect((await plain.translate(row.src, enEs)).text).toBe(cli(row.src, 'eng-spa'));
        expect((await plain.translate(row.tgt, esEn)).text).toBe(cli(row.tgt, 'spa-eng'));
      }
    } finally {
      await plain.close();
    }
  });

  it('reuses one persistent process per direction', async () => {
    await engine.translate('Hello.', enEs);
    const pid = engine.pid(enEs);
    expect(pid).toBeGreaterThan(0);
    const texts = ['one towel', 'two towels', 'three towels', 'four towels', 'five towels'];
    const parallel = await Promise.all(texts.map((t) => engine.translate(`I want ${t}.`, enEs)));
    expect(engine.pid(enEs)).toBe(pid);
    for (const [i, t] of texts.entries()) {
      expect(parallel[i].text).toBe((await engine.translate(`I want ${t}.`, enEs)).text);
    }
    expect(parallel[1].text).toMatch(/dos toallas/);
  });

  it('strips unknown-word marks and keeps the user’s own symbols', async () => {
    const r = await engine.translate('The xyzzy room flurbs. Email info@hotel.example [today]', enEs);
    expect(r.text).not.toMatch(/[*#]/);
    expect(r.text).toMatch(/xyzzy/);
    expect(r.text).toMatch(/info@hotel\.example/);
  });

  it('restarts after its process is killed', async () => {
    await engine.translate('Hello.', esEn);
    const pid = engine.pid(esEn)!;
    process.kill(-pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    const r = await engine.translate('¿Dónde está la farmacia?', esEn);
    expect(r.text).toMatch(/pharmacy/);
    expect(engine.pid(esEn)).not.toBe(pid);
  });

  it('times out instead of hanging, then recovers', async () => {
    const impatient = await createApertiumEngine({ timeoutMs: 1, pairs: [enEs] });
    try {
      await expect(impatient.translate('The room is ready.', enEs)).rejects.toMatchObject({
        code: 'timeout',
      });
    } finally {
      await impatient.close();
    }
    expect((await engine.translate('The room is ready.', enEs)).text).toMatch(/está a punto|lista/);
  });

  it('refuses pairs it does not have and empty text', async () => {
    await expect(engine.translate('hi', { source: 'en', target: 'xx' })).rejects.toMatchObject({
      code: 'unsupported_language',
    });
    await expect(engine.translate(' ', enEs)).rejects.toMatchObject({ code: 'empty_text' });
  });

  it('keeps glossary placeholders intact through apertium in both directions', async () => {
    const glossary = createGlossary({
      'en-es': {
        'ocean suite': 'Suite Océano',
        ibuprofen: 'ibuprofeno',
        'front desk': 'recepción',
        'dr lopez': 'Dr. López',
      },
      'es-en': { 'suite océano': 'Ocean Suite', ibuprofeno: 'ibuprofen', 'dra garcía': 'Dr. García' },
    });
    const en = [
      'Ocean suite is on the second floor.',
      'Please take ibuprofen twice a day, after meals.',
      'I booked the ocean suite and asked the front desk for towels.',
      'where is the front desk',
      'dr lopez will see you at the front desk with the ibuprofen',
    ];
    for (const text of en) {
      const r = await engine.translate(text, { ...enEs, glossary });
      expect(r.glossary?.lost, `${text} → ${r.text}`).toEqual([]);
      expect(r.text).not.toMatch(/ZXQ/i);
    }
    const es = [
      'La suite océano está en el segundo piso.',
      'Tome ibuprofeno dos veces al día.',
      '¿Dónde está la dra garcía?',
    ];
    for (const text of es) {
      const r = await engine.translate(text, { ...esEn, glossary });
      expect(r.glossary?.lost, `${text} → ${r.text}`).toEqual([]);
    }
    const r = await engine.translate('Please take ibuprofen at the front desk.', { ...enEs, glossary });
    expect(r.text).toMatch(/ibuprofeno/);
    expect(r.text).toMatch(/recepción/);
  });
});
