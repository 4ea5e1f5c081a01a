import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasPeer, peerSupports, synthesizeWithPeer } from '../../../scripts/eval/peers/tts-peers.ts';
import { readWav } from '../../../server/audio/wav-io.ts';

const dir = mkdtempSync(join(tmpdir(), 'tolk-tts-peers-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rms(path: string): Promise<{ rms: number; sampleRate: number }> {
  const wav = await readWav(path);
  let s = 0;
  for (const v of wav.samples) s += v * v;
  return { rms: Math.sqrt(s / wav.samples.length), sampleRate: wav.sampleRate };
}

describe('TTS peers', () => {
  it('knows flite has no Spanish voice', () => {
    expect(peerSupports('flite', 'es')).toBe(false);
    expect(peerSupports('espeak-ng', 'es')).toBe(true);
  });

  it.skipIf(!hasPeer('espeak-ng'))('espeak-ng speaks English and Spanish at 16 kHz', async () => {
    for (const [lang, text] of [
      ['en', 'Your room is on the third floor.'],
      ['es', '¿Dónde está la estación de tren?'],
    ] as const) {
      const out = join(dir, `espeak-${lang}.wav`);
      const r = await synthesizeWithPeer('espeak-ng', text, lang, out);
      expect(r.durationSec).toBeGreaterThan(0.8);
      expect(r.durationSec).toBeLessThan(6);
      const a = await rms(out);
      expect(a.sampleRate).toBe(16000);
      expect(a.rms).toBeGreaterThan(0.01);
    }
  });

  it.skipIf(!hasPeer('flite'))('flite (slt) speaks English at 16 kHz', async () => {
    const out = join(dir, 'flite-en.wav');
    const r = await synthesizeWithPeer('flite', '-5 degrees; the bus leaves at noon.', 'en', out);
    expect(r.voice).toBe('slt');
    expect(r.durationSec).toBeGreaterThan(1);
    const a = await rms(out);
    expect(a.sampleRate).toBe(16000);
    expect(a.rms).toBeGreaterThan(0.01);
  });
});
