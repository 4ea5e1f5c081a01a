import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../../server/errors.ts';
import type {
  EngineName,
  LanguagePair,
  MtEngine,
  TranslateOptions,
  TranslationResult,
} from '../../../server/stages/mt/engine.ts';
import { createGlossary, translateWithGlossary } from '../../../server/stages/mt/glossary.ts';
import { createMtMetrics } from '../../../server/stages/mt/metrics.ts';
import { MtRouter } from '../../../server/stages/mt/router.ts';

const enEs = { source: 'en', target: 'es' };

/** Test double of the engine interface: answers with a tag, or misbehaves on request. */
function fakeEngine(
  name: EngineName,
  behaviour: {
    pairs?: LanguagePair[];
    confidence?: number;
    oov?: number;
    fail?: boolean;
    hang?: boolean;
    dropPlaceholders?: boolean;
  } = {},
): MtEngine & { calls: string[]; closed: boolean } {
  return {
    name,
    calls: [],
    closed: false,
    languagePairs: () => behaviour.pairs ?? [enEs],
    outOfVocabularyRate: behaviour.oov === undefined ? undefined : () => behaviour.oov!,
    async translate(text: string, options: TranslateOptions): Promise<TranslationResult> {
      this.calls.push(text);
      if (behaviour.fail) throw new PipelineError('stage_failed', 'mt', { message: `${name} broke` });
      if (behaviour.hang) {
        await new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve()));
        throw new PipelineError('timeout', 'mt');
      }
      return translateWithGlossary(text, options.glossary, options, async (t) => ({
        text: `${name}(${behaviour.dropPlaceholders ? t.replace(/ZXQ[A-Z]{2}/g, '') : t})`,
        engine: name,
        ...(behaviour.confidence === undefined ? {} : { confidence: behaviour.confidence }),
      }));
    },
    async close() {
      this.closed = true;
    },
  };
}

describe('MtRouter input guards', () => {
  const router = new MtRouter({ fallback: fakeEngine('apertium'), maxChars: 2000 });

  it('refuses empty text', async () => {
    await expect(router.translate('', enEs)).rejects.toMatchObject({ code: 'empty_text', stage: 'mt' });
    await expect(router.translate('  \n ', enEs)).rejects.toMatchObject({ code: 'empty_text' });
  });

  it('refuses text over the limit (10,000 characters)', async () => {
    await expect(router.translate('a'.repeat(10_000), enEs)).rejects.toMatchObject({ code: 'text_too_long' });
    await expect(router.translate('a'.repeat(2000), enEs)).resolves.toMatchObject({ engine: 'apertium' });
  });

  it('refuses a pair no engine serves', async () => {
    await expect(router.translate('hello', { source: 'en', target: 'xx' })).rejects.toMatchObject({
      code: 'unsupported_language',
    });
  });
});

describe('MtRouter fallback rules', () => {
  it('uses a confident primary and says nothing about fallback', async () => {
    const router = new MtRouter({
      primary: fakeEngine('neural', { confidence: 0.9 }),
      fallback: fakeEngine('apertium'),
    });
    const r = await router.translate('hello', enEs);
    expect(r).toEqual({ text: 'neural(hello)', engine: 'neural', confidence: 0.9 });
  });

  it('falls back when no primary is loaded', async () => {
    const router = new MtRouter({ primary: null, fallback: fakeEngine('apertium') });
    expect((await router.translate('hello', enEs)).fallback).toEqual({ reason: 'primary_unavailable' });
  });

  it('falls back when the primary does not serve the pair', async () => {
    const esEn = { source: 'es', target: 'en' };
    const router = new MtRouter({
      primary: fakeEngine('neural', { pairs: [enEs] }),
      fallback: fakeEngine('apertium', { pairs: [enEs, esEn] }),
    });
    const r = await router.translate('hola', esEn);
    expect(r.engine).toBe('apertium');
    expect(r.fallback?.reason).toBe('primary_unsupported_pair');
  });

  it('falls back below the confidence threshold', async () => {
    const primary = fakeEngine('neural', { confidence: 0.2 });
    const router = new MtRouter({ primary, fallback: fakeEngine('apertium'), minConfidence: 0.5 });
    const r = await router.translate('hello', enEs);
    expect(r).toMatchObject({
      text: 'apertium(hello)',
      engine: 'apertium',
      fallback: { reason: 'low_confidence' },
    });
    expect(primary.calls).toHaveLength(1);
  });

  it('skips the primary when too many words are out of its vocabulary', async () => {
    const primary = fakeEngine('neural', { confidence: 0.9, oov: 0.6 });
    const router = new MtRouter({ primary, fallback: fakeEngine('apertium'), maxOovRate: 0.3 });
    const r = await router.translate('zorgle blip hello', enEs);
    expect(r.fallback).toEqual({ reason: 'out_of_vocabulary', detail: '60% of words unknown' });
    expect(primary.calls).toHaveLength(0);
  });

  it('falls back when the primary throws', async () => {
    const router = new MtRouter({
      primary: fakeEngine('neural', { fail: true }),
      fallback: fakeEngine('apertium'),
    });
    const r = await router.translate('hello', enEs);
    expect(r.fallback).toMatchObject({ reason: 'primary_failed', detail: 'neural broke' });
  });

  it('falls back when the primary hangs past its deadline', async () => {
    const router = new MtRouter({
      primary: fakeEngine('neural', { hang: true }),
      fallback: fakeEngine('apertium'),
      primaryTimeoutMs: 50,
    });
    const r = await router.translate('hello', enEs);
    expect(r).toMatchObject({ engine: 'apertium', fallback: { reason: 'primary_timeout' } });
  });

  it('fails with timeout, not a hang, when the fallback hangs too', async () => {
    const router = new MtRouter({
      primary: fakeEngine('neural', { hang: true }),
      fallback: fakeEngine('apertium', { hang: true }),
      primaryTimeoutMs: 30,
      fallbackTimeoutMs: 30,
    });
    await expect(router.translate('hello', enEs)).rejects.toMatchObject({ code: 'timeout' });
  });

  it('falls back when the primary loses a glossary term', async () => {
    const glossary = createGlossary({ 'en-es': { 'ocean suite': 'Suite Océano' } });
    const router = new MtRouter({
      primary: fakeEngine('neural', { confidence: 0.9, dropPlaceholders: true }),
      fallback: fakeEngine('apertium'),
      glossary,
    });
    const r = await router.translate('the ocean suite', enEs);
    expect(r).toMatchObject({
      text: 'apertium(the Suite Océano)',
      fallback: { reason: 'glossary_term_lost', detail: 'ocean suite' },
      glossary: { applied: ['ocean suite'], lost: [] },
    });
  });

  it('layers the session glossary over the deployment glossary', async () => {
    const router = new MtRouter({
      fallback: fakeEngine('apertium'),
      glossary: createGlossary({ 'en-es': { 'ocean suite': 'Suite Océano', lobby: 'vestíbulo' } }),
    });
    const session = createGlossary({ 'en-es': { 'ocean suite': 'Suite del Mar' } });
    const r = await router.translate('lobby or ocean suite', { ...enEs, glossary: session });
    expect(r.text).toBe('apertium(vestíbulo or Suite del Mar)');
  });

  it('keeps an unsure primary answer when there is no fallback, and rethrows a failure', async () => {
    const unsure = new MtRouter({ primary: fakeEngine('neural', { confidence: 0.1 }) });
    expect(await unsure.translate('hello', enEs)).toMatchObject({ engine: 'neural', confidence: 0.1 });
    const failing = new MtRouter({ primary: fakeEngine('neural', { fail: true }) });
    await expect(failing.translate('hello', enEs)).rejects.toMatchObject({ code: 'stage_failed' });
  });

  it('records latency per engine call and fallbacks by reason on the injected registry', async () => {
    const registry = new Registry();
    const metrics = createMtMetrics(registry);
    expect(createMtMetrics(registry).latency).toBe(metrics.latency);
    const router = new MtRouter({
      primary: fakeEngine('neural', { fail: true }),
      fallback: fakeEngine('apertium'),
      metrics,
    });
    await router.translate('hello', enEs);
    const text = await registry.metrics();
    expect(text).toMatch(/tolk_mt_translate_seconds_count\{engine="neural",pair="en-es",outcome="error"\} 1/);
    expect(text).toMatch(/tolk_mt_translate_seconds_count\{engine="apertium",pair="en-es",outcome="ok"\} 1/);
    expect(text).toMatch(/tolk_mt_fallbacks_total\{reason="primary_failed"\} 1/);
  });

  it('closes both engines and lists the union of pairs', async () => {
    const primary = fakeEngine('neural');
    const fallback = fakeEngine('apertium', { pairs: [enEs, { source: 'es', target: 'en' }] });
    const router = new MtRouter({ primary, fallback });
    expect(router.languagePairs()).toHaveLength(2);
    await router.close();
    expect(primary.closed && fallback.closed).toBe(true);
  });
});
