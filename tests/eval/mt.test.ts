import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { evaluateMt, main, readPairs } from '../../scripts/eval/mt.ts';
import { PipelineError } from '../../server/errors.ts';
import { hasApertium } from '../../server/stages/mt/apertium-engine.ts';
import type { MtEngine } from '../../server/stages/mt/engine.ts';

const fixture = 'tests/fixtures/mt/sample-pairs.jsonl';
const enEs = { source: 'en', target: 'es' };

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  process.exitCode = undefined;
});

describe('eval mt: pairs', () => {
  it('uses the spoken-style source when present, the written one on request, and can reverse', async () => {
    const spoken = await readPairs(fixture, { limit: 2 });
    expect(spoken.spoken).toBe(true);
    expect(spoken.pairs[0]).toEqual({
      source: 'i have a reservation under the name garcia',
      reference: 'Tengo una reserva a nombre de García.',
    });
    const written = await readPairs(fixture, { written: true, limit: 1 });
    expect(written.pairs[0].source).toBe('I have a reservation under the name Garcia.');
    const reverse = await readPairs(fixture, { reverse: true, limit: 1 });
    expect(reverse.pairs[0]).toEqual({
      source: 'tengo una reserva a nombre de garcía',
      reference: 'I have a reservation under the name Garcia.',
    });
    expect((await readPairs(fixture)).pairs.length).toBeGreaterThanOrEqual(30);
  });

  it('names the bad line of a malformed file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tolk-mt-eval-'));
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"src":"a","tgt":"b"}\n{"src":"only"}\n');
    await expect(readPairs(file)).rejects.toThrow(/bad\.jsonl:2/);
  });
});

describe('eval mt: scoring', () => {
  it('scores a perfect engine 100 and counts failed sentences as empty output', async () => {
    const { pairs } = await readPairs(fixture, { limit: 5 });
    const byText = new Map(pairs.map((p) => [p.source, p.reference]));
    const perfect: MtEngine = {
      name: 'apertium',
      languagePairs: () => [enEs],
      translate: async (text) => ({ text: byText.get(text)!, engine: 'apertium' }),
      close: async () => {},
    };
    const report = await evaluateMt(perfect, pairs, enEs);
    expect(report).toMatchObject({ chrf: 100, bleu: 100, sentences: 5, errors: 0 });
    expect(report.p95_ms).toBeGreaterThanOrEqual(0);

    const flaky: MtEngine = {
      ...perfect,
      translate: async (text) => {
        if (text === pairs[4].source) throw new PipelineError('timeout', 'mt');
        return { text: byText.get(text)!, engine: 'apertium' };
      },
    };
    const partial = await evaluateMt(flaky, pairs, enEs);
    expect(partial.errors).toBe(1);
    expect(partial.chrf).toBeLessThan(100);
  });

  it('refuses the neural engine plainly when its model folder is missing', async () => {
    // An empty models dir, so the answer does not depend on whether a model ships in models/.
    vi.stubEnv('TOLK_MODELS_DIR', mkdtempSync(join(tmpdir(), 'tolk-no-models-')));
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    await main(['--pairs', fixture, '--source', 'en', '--target', 'es', '--engine', 'neural', '--json']);
    expect(process.exitCode).toBe(1);
    expect(errors.join('\n')).toMatch(/neural MT model not built yet \(\S*\/mt and \S*\/mt-en-es missing\)/);
  });

  it.skipIf(!hasApertium())('runs apertium end to end and prints one JSON object last', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((m: string) => void lines.push(m));
    await main(['--pairs', fixture, '--source', 'en', '--target', 'es', '--limit', '3', '--json']);
    const report = JSON.parse(lines.at(-1)!);
    expect(report).toMatchObject({ engine: 'apertium', source: 'en', target: 'es', sentences: 3, errors: 0 });
    expect(report.chrf).toBeGreaterThan(10);
    expect(report.ms_per_sentence).toBeGreaterThan(0);
  });

  it.skipIf(!hasApertium())(
    'scores the served router: without a neural model every sentence is a fallback',
    async () => {
      vi.stubEnv('TOLK_MODELS_DIR', mkdtempSync(join(tmpdir(), 'tolk-no-models-')));
      const lines: string[] = [];
      vi.spyOn(console, 'log').mockImplementation((m: string) => void lines.push(m));
      vi.spyOn(console, 'error').mockImplementation(() => {});
      const args = ['--pairs', fixture, '--source', 'en', '--target', 'es', '--limit', '3', '--json'];
      await main([...args, '--engine', 'served,apertium']);
      const [served, apertium] = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      expect(served).toMatchObject({ engine: 'served', sentences: 3, fallbacks: 3, errors: 0 });
      expect(apertium).toMatchObject({ engine: 'apertium', fallbacks: 0 });
      expect(served.chrf).toBe(apertium.chrf);
      expect(lines.find((l) => l.startsWith('served'))).toMatch(/3 answered by the fallback/);
    },
  );

  it.skipIf(!hasApertium())(
    'records every engine of the run into the neural model card with --record',
    async () => {
      const models = mkdtempSync(join(tmpdir(), 'tolk-mt-record-'));
      mkdirSync(join(models, 'mt'));
      writeFileSync(
        join(models, 'mt', 'model.json'),
        JSON.stringify({ id: 'mt', evaluation: { dev: { kept: true } } }),
      );
      vi.stubEnv('TOLK_MODELS_DIR', models);
      vi.spyOn(console, 'log').mockImplementation(() => {});
      await main(['--pairs', fixture, '--source', 'en', '--target', 'es', '--limit', '2', '--record']);
      const card = JSON.parse(readFileSync(join(models, 'mt', 'model.json'), 'utf8'));
      expect(card.evaluation.dev).toEqual({ kept: true });
      const entry = card.evaluation['sample-pairs en-es'];
      expect(entry.command).toMatch(/^npm run eval -- mt --pairs .* --record$/);
      expect(entry.engines).toHaveLength(1);
      expect(entry.engines[0]).toMatchObject({ engine: 'apertium', sentences: 2 });
    },
  );
});
