/**
 * `npm run finetune -- asr-lm`: text-only adaptation keeps the base acoustic model byte for
 * byte, rebuilds the LM so the customer's sentences become likely, draws hotwords from the
 * customer's text, and the engine boosts the model's hotwords in every session.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxSessionCache } from '../../models/onnx-session.ts';
import { writeRandomAsrModel } from '../../scripts/bench/asr.ts';
import { extractHotwords } from '../../scripts/finetune/asr-lm/hotwords.ts';
import { runAsrLmAdapt } from '../../scripts/finetune/asr-lm/run.ts';
import { readTextLines } from '../../scripts/finetune/asr-lm/text.ts';
import { initBackend } from '../../scripts/train/lib/backend.ts';
import { AsrEngine } from '../../server/stages/asr/engine.ts';
import { loadNgramLm } from '../../server/stages/asr/lm-builder.ts';
import { gatedChirp } from '../stages/asr/test-audio.ts';

const GENERAL = [
  'the room is ready',
  'check in at noon please',
  'the taxi is here',
  'where is the pharmacy',
  'breakfast is at seven',
];
const CUSTOMER = [
  'your zephyr suite is on deck nine',
  'the zephyr lounge opens at noon',
  'please show a boarding card at the gangway',
  'the gangway closes at six',
  'zephyr guests board first',
];

let root: string;
let baseDir: string;
let cache: OnnxSessionCache;

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
  root = mkdtempSync(join(tmpdir(), 'tolk-asr-lm-'));
  baseDir = join(root, 'models', 'asr-en');
  const { model } = await writeRandomAsrModel(baseDir, { units: 16, layers: 1, seed: 2, lmLines: GENERAL });
  model.params.dispose();
  // A general text much larger than the customer's, as the corpus text is.
  writeFileSync(join(root, 'general.txt'), `${Array(20).fill(GENERAL).flat().join('\n')}\n`);
  writeFileSync(join(root, 'customer.jsonl'), CUSTOMER.map((text) => JSON.stringify({ text })).join('\n'));
  cache = new OnnxSessionCache({ executionProviders: ['cpu'], intraOpThreads: 1 });
});
afterAll(async () => {
  await cache.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('finetune asr-lm', () => {
  it('hotwords are the customer words the general text lacks', () => {
    const general = Array(20).fill(GENERAL).flat();
    const h = extractHotwords(CUSTOMER, general, 'en', { minCount: 2 }).map((x) => x.word);
    expect(h).toEqual(['zephyr', 'gangway']);
    expect(extractHotwords(CUSTOMER, general, 'en', { minCount: 2, max: 1 }).map((x) => x.word)).toEqual([
      'zephyr',
    ]);
    expect(readTextLines(join(root, 'customer.jsonl'), 'en')).toEqual(CUSTOMER);
  });

  it('writes a new folder: same acoustic model, an LM that knows the customer, hotwords in the card', async () => {
    const outDir = join(root, 'models', 'asr-en-cruise');
    const baseCard = readFileSync(join(baseDir, 'model.json'));
    const r = await runAsrLmAdapt(
      {
        baseDir,
        outDir,
        force: false,
        text: join(root, 'customer.jsonl'),
        generalText: join(root, 'general.txt'),
        textWeight: 3,
        hotwords: {},
        command: 'test',
      },
      () => {},
    );
    expect(readFileSync(join(outDir, 'model.onnx'))).toEqual(readFileSync(join(baseDir, 'model.onnx')));
    expect(readFileSync(join(baseDir, 'model.json'))).toEqual(baseCard);
    const card = JSON.parse(readFileSync(join(outDir, 'model.json'), 'utf8'));
    expect(card.id).toBe('asr-en-cruise');
    expect(card.hotwords).toEqual(['zephyr', 'gangway']);
    expect(readFileSync(join(outDir, 'hotwords.txt'), 'utf8')).toBe('zephyr\ngangway\n');
    expect(card.lm).toMatchObject({ customerSentences: 5, generalSentences: 100, sentences: 115 });
    expect(r.card.finetune).toMatchObject({ kind: 'text-only', base: { id: 'asr-en-random' } });
    const before = loadNgramLm(join(baseDir, 'lm.json'));
    const after = loadNgramLm(join(outDir, 'lm.json'));
    expect(after.perplexity(CUSTOMER)).toBeLessThan(before.perplexity(CUSTOMER) / 3);
    expect(after.vocab).toContain('zephyr');
    await expect(
      runAsrLmAdapt(
        {
          baseDir,
          outDir: baseDir,
          force: true,
          text: join(root, 'customer.jsonl'),
          textWeight: 3,
          hotwords: {},
          command: '',
        },
        () => {},
      ),
    ).rejects.toThrow(/overwrite the base/);
  });

  it("the engine boosts the card's hotwords in every utterance, as if the session had sent them", async () => {
    const withCard = join(root, 'models', 'asr-en-cruise');
    const without = join(root, 'models', 'asr-en-cruise-plain');
    mkdirSync(without);
    for (const f of ['model.onnx', 'lm.json']) copyFileSync(join(withCard, f), join(without, f));
    const card = JSON.parse(readFileSync(join(withCard, 'model.json'), 'utf8'));
    // Short words a random model can reach, so the boost visibly changes some finals.
    const hotwords = ['a', 'i', 'e', 'o', 'an', 'in', 'on'];
    writeFileSync(join(without, 'model.json'), JSON.stringify({ ...card, hotwords: undefined }));
    writeFileSync(join(withCard, 'model.json'), JSON.stringify({ ...card, hotwords }));
    const a = await AsrEngine.load(withCard, cache, { batching: false });
    const b = await AsrEngine.load(without, cache, { batching: false });
    let changed = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const audio = gatedChirp(2, seed, { gate: 1500 + 300 * seed, hz: 180 + 60 * seed, sweep: 500 });
      const auto = await a.transcribe(audio);
      expect(auto).toEqual(await b.transcribe(audio, { hotwords }));
      if (auto.text !== (await b.transcribe(audio)).text) changed++;
    }
    // The boost is real: without it the same model decodes some of these differently.
    expect(changed).toBeGreaterThan(0);
    a.close();
    b.close();
  });
});
