/**
 * The neural MT engine on a tiny random model built by the test (real graphs, real tokenizer):
 * input guards, confidence, out-of-vocabulary estimate, glossary placeholders, registry
 * discovery and the router wiring (neural primary, fallback reasons).
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../../models/registry.ts';
import { createMtRouter } from '../../../server/stages/mt/create-router.ts';
import type { MtEngine, TranslationResult } from '../../../server/stages/mt/engine.ts';
import { createGlossary } from '../../../server/stages/mt/glossary.ts';
import { loadNeuralMtEngine, type NeuralMtEngine } from '../../../server/stages/mt/neural/neural-engine.ts';
import { loadMtEngine } from '../../../server/stages/mt/registry.ts';
import { MtRouter } from '../../../server/stages/mt/router.ts';
import { exportTiny, tinyConfig, tinyModel, tinyTokenizer, useWasm } from '../../train/mt-fixture.ts';

const enEs = { source: 'en', target: 'es' };
let dir: string;
let engine: NeuralMtEngine;

beforeAll(async () => {
  await useWasm();
  const tok = tinyTokenizer();
  dir = exportTiny(tinyModel(tinyConfig(tok), 21), tok, { beamSize: 3 });
  engine = await loadNeuralMtEngine(dir);
});
afterAll(async () => {
  await engine.close();
  await engine.close(); // safe twice
  rmSync(dir, { recursive: true, force: true });
});

/** A fallback engine double that echoes, so router decisions are visible. */
function echoEngine(): MtEngine {
  return {
    name: 'apertium',
    languagePairs: () => [enEs, { source: 'es', target: 'en' }],
    translate: async (text): Promise<TranslationResult> => ({ text: `echo ${text}`, engine: 'apertium' }),
    close: async () => {},
  };
}

describe('neural MT engine', () => {
  it('translates with a confidence in [0, 1], deterministically, within the max-length guard', async () => {
    const a = await engine.translate('where is the train station', enEs);
    const b = await engine.translate('where is the train station', enEs);
    expect(a.engine).toBe('neural');
    expect(a.confidence).toBeGreaterThanOrEqual(0);
    expect(a.confidence).toBeLessThanOrEqual(1);
    expect(b).toEqual(a);
    const src = engine.tokenizer.encode('where is the train station').length + 1;
    const maxLen = Math.ceil(src * engine.decoding.maxLengthRatio) + engine.decoding.maxLengthExtra;
    const r = await engine.search('where is the train station', 'es');
    expect(r.ids.length).toBeLessThanOrEqual(maxLen);
    expect(engine.tokenizer.decode(r.ids)).toBe(r.text);
  });

  it('greedy and beam both answer; beam is the card default', async () => {
    expect(engine.decoding.beamSize).toBe(3);
    const greedy = await engine.search('can i pay by card', 'en', undefined, { beamSize: 1 });
    const beam = await engine.search('can i pay by card', 'en', undefined, { beamSize: 3, lengthPenalty: 0 });
    expect(beam.score).toBeGreaterThanOrEqual(greedy.score - 1e-6);
  });

  it('translates variants of one text in one pass, each as translate would alone', async () => {
    const text = 'where is the train station';
    const glossary = createGlossary({ 'en-es': { station: 'Estación Norte' } });
    const variants = [{ ...enEs, glossary }, { ...enEs, quick: true }, enEs];
    const together = await engine.translateVariants(text, variants);
    const alone = await Promise.all(variants.map((v) => engine.translate(text, v)));
    expect(together).toEqual(alone);
    // A random model may drop the placeholder; either way the term was protected and reported.
    const report = together[0].glossary;
    expect([...(report?.applied ?? []), ...(report?.lost ?? [])]).toEqual(['station']);
    const greedy = await engine.search(text, 'es', undefined, { beamSize: 1 });
    expect(together[1].text).toBe(greedy.text);
    await expect(
      engine.translateVariants(text, [enEs, { source: 'es', target: 'en' }]),
    ).rejects.toMatchObject({
      code: 'unsupported_language',
    });
  });

  it('refuses empty text, 10,000 characters and an unknown pair with stable codes', async () => {
    await expect(engine.translate('', enEs)).rejects.toMatchObject({ code: 'empty_text' });
    await expect(engine.translate('   ', enEs)).rejects.toMatchObject({ code: 'empty_text' });
    await expect(engine.translate('room '.repeat(2000), enEs)).rejects.toMatchObject({
      code: 'text_too_long',
    });
    await expect(engine.translate('hello', { source: 'en', target: 'fr' })).rejects.toMatchObject({
      code: 'unsupported_language',
    });
    // Under the character cap but over the subword cap: refused, not truncated silently.
    const long = 'a b '.repeat(400);
    await expect(engine.translate(long, enEs)).rejects.toMatchObject({ code: 'text_too_long' });
  });

  it('honours an aborted signal', async () => {
    const c = new AbortController();
    c.abort();
    await expect(
      engine.translate('where is the station', { ...enEs, signal: c.signal }),
    ).rejects.toMatchObject({
      code: 'timeout',
    });
  });

  it('estimates out-of-vocabulary words from the training word list', () => {
    expect(engine.outOfVocabularyRate('where is the train station', 'en')).toBe(0);
    expect(engine.outOfVocabularyRate('Where is the TRAIN station?', 'en')).toBe(0);
    expect(engine.outOfVocabularyRate('where is the zorblax quintuple', 'en')).toBeCloseTo(0.4);
  });

  it('protects glossary terms with placeholder tokens and reports whether they came back', async () => {
    const glossary = createGlossary({ 'en-es': { 'train station': 'Estación Central' } });
    const r = await engine.translate('where is the train station', { ...enEs, glossary });
    // A random model may or may not copy the placeholder; either way it never leaks and the
    // report says which.
    expect(r.text).not.toMatch(/ZXQ/);
    expect(r.glossary).toBeDefined();
    const { applied, lost } = r.glossary!;
    expect([...applied, ...lost]).toEqual(['train station']);
    if (applied.length) expect(r.text).toContain('Estación Central');
    // The placeholder is one vocabulary token, not letters.
    const ids = engine.tokenizer.encode('where is ZXQAA');
    expect(engine.tokenizer.token(ids[ids.length - 1])).toBe('ZXQAA');
  });

  it('is discovered by the model registry and loaded by name', async () => {
    const models = mkdtempSync(join(tmpdir(), 'tolk-models-'));
    try {
      mkdirSync(models, { recursive: true });
      renameSync(dir, join(models, 'mt'));
      const registry = new ModelRegistry(models);
      await registry.load();
      const [entry] = registry.byKind('mt');
      expect(entry).toMatchObject({ id: 'mt', kind: 'mt', languages: ['en', 'es'] });
      expect(entry.graphs).toEqual(['decoder.onnx', 'encoder.onnx']);
      const loaded = await loadMtEngine('neural', { modelsDir: models, pairs: [enEs] });
      expect(loaded.languagePairs()).toContainEqual(enEs);
      await loaded.close();

      // create-router: the neural engine is the primary; apertium missing is a note.
      const { router, notes } = await createMtRouter({
        modelsDir: models,
        apertium: { dataDir: '/nonexistent/apertium' },
        registry: new Registry(),
        minConfidence: 0,
      });
      expect(notes.join('\n')).not.toMatch(/neural MT engine not loaded/);
      const r = await router.translate('where is the train station', enEs);
      expect(r.engine).toBe('neural');
      expect(r.fallback).toBeUndefined();
      await router.close();
    } finally {
      renameSync(join(models, 'mt'), dir);
      rmSync(models, { recursive: true, force: true });
    }
  });

  it('the router falls back on low confidence, unknown words and lost terms, and says why', async () => {
    const sure = new MtRouter({ primary: engine, fallback: echoEngine(), minConfidence: 1.01 });
    const low = await sure.translate('where is the train station', enEs);
    expect(low).toMatchObject({ engine: 'apertium', fallback: { reason: 'low_confidence' } });

    const router = new MtRouter({
      primary: engine,
      fallback: echoEngine(),
      minConfidence: 0,
      maxOovRate: 0.3,
    });
    const oov = await router.translate('zorblax quintuple frobnicate', enEs);
    expect(oov).toMatchObject({ engine: 'apertium', fallback: { reason: 'out_of_vocabulary' } });

    const glossary = createGlossary({ 'en-es': { station: 'Estación' } });
    const g = await router.translate('where is the train station', { ...enEs, glossary });
    if (g.engine === 'neural') expect(g.glossary).toEqual({ applied: ['station'], lost: [] });
    else expect(g.fallback?.reason).toBe('glossary_term_lost');
  });
});
