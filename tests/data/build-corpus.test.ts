import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SizeSpec } from '../../scripts/data/build/sizes.ts';
import { buildCorpus } from '../../scripts/data/build.ts';
import { readManifest } from '../../scripts/data/lib/manifest.ts';
import { readPcm16Wav } from '../../scripts/data/lib/pcm16-wav.ts';
import { missingTools } from '../../scripts/data/lib/tools.ts';
import { voiceCatalog } from '../../scripts/data/synth/voices.ts';

// Synthesis needs the Debian tools; on a fresh machine this suite is skipped (the pure-JS parts
// of the pipeline are covered by the other tests in this folder).
const haveTools = missingTools(['espeak-ng', 'sox', 'flite', 'text2wave']).length === 0;

const TINY: SizeSpec = {
  text: { train: 300, dev: 60, test: 60 },
  audio: { en: { train: 5, dev: 2, test: 3 }, es: { train: 2, dev: 1, test: 1 } },
};

function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name !== 'report.json') h.update(e.name).update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

describe.skipIf(!haveTools)('corpus build (needs espeak-ng, flite, festival, sox)', () => {
  const root = mkdtempSync(join(tmpdir(), 'tolk-build-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const opts = (out: string) => ({
    size: 'small' as const,
    out,
    seed: 11,
    jobs: 2,
    langs: ['en', 'es'] as ('en' | 'es')[],
    quiet: true,
    spec: TINY,
  });

  it('builds the same bytes twice from one seed, resumes, and writes valid manifests', async () => {
    const a = join(root, 'a');
    const b = join(root, 'b');
    const first = await buildCorpus(opts(a));
    expect(first.failures).toEqual([]);
    expect(first.made).toBe(14);
    await buildCorpus(opts(b));
    expect(treeHash(a)).toBe(treeHash(b));
    const again = await buildCorpus(opts(a));
    expect(again.made).toBe(0);
    expect(again.skipped).toBe(14);

    for (const lang of ['en', 'es']) {
      for (const split of ['train', 'dev', 'test']) {
        const rows = readManifest(join(a, lang, `${split}.jsonl`));
        expect(rows.length).toBe(TINY.audio[lang as 'en' | 'es'][split as 'train']);
        for (const r of rows) {
          const audio = readPcm16Wav(r.audio_filepath);
          expect(audio.sampleRate).toBe(16000);
          expect(r.duration).toBeCloseTo(audio.samples.length / 16000, 3);
          expect(r.duration).toBeGreaterThan(0.5);
          expect(r.text).toMatch(/^[a-záéíóúüñ' ]+$/);
          expect(r.lang).toBe(lang);
        }
      }
    }
    const report = JSON.parse(readFileSync(join(a, 'report.json'), 'utf8'));
    expect(report.utterances.en.train).toBe(5);
    expect(Object.keys(report.bySnr['en/train']).length).toBeGreaterThan(0);
  }, 300_000);

  it('every espeak-ng voice+variant in the catalog exists (espeak-ng silently falls back otherwise)', () => {
    const say = (v: string) =>
      createHash('md5')
        .update(execFileSync('espeak-ng', ['-v', v, '--stdout', 'hello there']))
        .digest('hex');
    // an unknown variant sounds like the plain voice, which equals one of the real variants
    // (m1 is the default), so all variants of one base voice must sound different
    const byBase = new Map<string, Set<string>>();
    const espeak = voiceCatalog().filter((v) => v.generator === 'espeak-ng');
    for (const v of espeak) {
      const [base] = v.voice.split('+');
      const hashes = byBase.get(base) ?? new Set<string>();
      hashes.add(say(v.voice));
      byBase.set(base, hashes);
    }
    for (const [base, hashes] of byBase) {
      expect(hashes.size, base).toBe(espeak.filter((v) => v.voice.startsWith(`${base}+`)).length);
    }
    // and the accents differ from each other
    expect(new Set([...byBase.keys()].map(say)).size).toBe(byBase.size);
  }, 120_000);
});
