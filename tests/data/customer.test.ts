/**
 * `npm run data -- customer`: the fine-tune demo's customer set — one held-out accent in one
 * held-out noise, customer speakers split so no test caller is a training caller, the noise
 * recording split so the test never hears the training half.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { customerVoices, heldOutOfBase, noiseHalves } from '../../scripts/data/customer/plan.ts';
import { buildCustomerSet } from '../../scripts/data/customer.ts';
import { readManifest } from '../../scripts/data/lib/manifest.ts';
import { readPcm16Wav, writePcm16WavAtomic } from '../../scripts/data/lib/pcm16-wav.ts';
import { missingTools } from '../../scripts/data/lib/tools.ts';
import { voiceCatalog } from '../../scripts/data/synth/voices.ts';

const haveTools = missingTools(['espeak-ng', 'sox']).length === 0;

describe('customer set plan (pure)', () => {
  it('splits the accent speakers into disjoint customer splits, the same for a seed', () => {
    const catalog = voiceCatalog();
    const v = customerVoices(catalog, 'en', 'caribbean', 3);
    expect(v.every((x) => x.accent === 'caribbean')).toBe(true);
    const ids = (split: string) => new Set(v.filter((x) => x.split === split).map((x) => x.id));
    const [train, dev, test] = [ids('train'), ids('dev'), ids('test')];
    expect(test.size).toBeGreaterThan(0);
    expect(dev.size).toBeGreaterThan(0);
    expect(train.size).toBeGreaterThan(test.size);
    for (const id of test) expect(train.has(id) || dev.has(id)).toBe(false);
    expect(customerVoices(catalog, 'en', 'caribbean', 3)).toEqual(v);
    expect(() => customerVoices(catalog, 'en', 'martian', 3)).toThrow(/accents: /);
    expect(heldOutOfBase(catalog, 'en', 'caribbean', 'test')).toEqual({ accent: true, noise: true });
    expect(heldOutOfBase(catalog, 'en', 'us', 'train')).toEqual({ accent: false, noise: false });
    const h = noiseHalves(Float32Array.from({ length: 10 }, (_, i) => i));
    expect(Array.from(h.train)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(h.test)).toEqual([5, 6, 7, 8, 9]);
  });
});

describe.skipIf(!haveTools)('customer set build (needs espeak-ng, sox)', () => {
  const root = mkdtempSync(join(tmpdir(), 'tolk-customer-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('renders a tiny set with manifests, the customer noise and the train text', async () => {
    const bank = join(root, 'bank');
    mkdirSync(bank);
    const noise = Float32Array.from(
      { length: 16000 * 4 },
      (_, i) => 0.2 * Math.sin(i * 0.37) * Math.sin(i * 0.0011),
    );
    writePcm16WavAtomic(join(bank, 'cafe.wav'), noise, 16000);
    const out = join(root, 'customer');
    const { summary, failures } = await buildCustomerSet({
      accent: 'caribbean',
      noise: 'cafe',
      out,
      counts: { train: 3, dev: 1, test: 2 },
      snrDb: [5, 10],
      cleanShare: 0,
      domains: null,
      seed: 4,
      jobs: 2,
      noiseBank: bank,
      textCounts: { train: 150, dev: 40, test: 40 },
      quiet: true,
    });
    expect(failures).toEqual([]);
    expect(summary.utterances).toEqual({ train: 3, dev: 1, test: 2 });
    expect(summary.heldOutOfBase).toEqual({ accent: true, noise: true });
    const rows = (split: string) => readManifest(join(out, `${split}.jsonl`));
    for (const split of ['train', 'dev', 'test']) {
      for (const r of rows(split)) {
        expect(r.accent).toBe('caribbean');
        expect((r as { noise?: string }).noise).toBe('cafe');
        expect(r.snr_db).toBeGreaterThanOrEqual(5);
        expect(r.snr_db).toBeLessThanOrEqual(10);
        expect(readPcm16Wav(r.audio_filepath).sampleRate).toBe(16000);
      }
    }
    const trainSpeakers = new Set(rows('train').map((r) => r.speaker));
    for (const r of rows('test')) expect(trainSpeakers.has(r.speaker)).toBe(false);
    const text = readFileSync(join(out, 'text.txt'), 'utf8').trim().split('\n');
    expect(text).toEqual(rows('train').map((r) => r.text));
    expect(readPcm16Wav(join(out, 'noise', 'cafe.wav')).samples.length).toBe(noise.length / 2);
  }, 60_000);
});
