import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wer } from '../../scripts/eval/metrics/wer.ts';
import {
  hasPocketsphinx,
  parseContinuousOutput,
  parseHypFile,
  parseSingleOutput,
  recognizeWithPocketsphinx,
} from '../../scripts/eval/peers/pocketsphinx.ts';
import {
  parseTranscriptionLine,
  scanTestdata,
  TESTDATA_DIR,
  toJsonl,
} from '../../scripts/eval/peers/pocketsphinx-testdata.ts';
import { readWavInfo } from '../../scripts/eval/peers/wav-info.ts';

function writeWav(path: string, sampleRate: number, channels: number, samples: number): void {
  const data = samples * channels * 2;
  const b = Buffer.alloc(44 + data);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + data, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(channels, 22);
  b.writeUInt32LE(sampleRate, 24);
  b.writeUInt32LE(sampleRate * channels * 2, 28);
  b.writeUInt16LE(channels * 2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(data, 40);
  writeFileSync(path, b);
}

describe('peer plumbing (no pocketsphinx needed)', () => {
  it('parses both pocketsphinx output formats', () => {
    expect(parseContinuousOutput('go forward\n\nten meters\n')).toBe('go forward ten meters');
    expect(parseSingleOutput('{"b":0.0,"d":1.2,"p":1,"t":"go forward ten meters","w":[]}\n')).toBe(
      'go forward ten meters',
    );
  });

  it('parses Sphinx hypothesis files', () => {
    const hyps = parseHypFile('ten of clubs (cards/001 -3466)\nfive five (004)\n\n');
    expect([...hyps]).toEqual([
      ['cards/001', 'ten of clubs'],
      ['004', 'five five'],
    ]);
  });

  it('parses Sphinx transcription lines', () => {
    expect(parseTranscriptionLine('<s> ten of clubs  </s> (001)')).toEqual({
      uttId: '001',
      text: 'ten of clubs',
    });
    expect(parseTranscriptionLine('one one one (man.ah.111a)')).toEqual({
      uttId: 'man.ah.111a',
      text: 'one one one',
    });
    expect(parseTranscriptionLine('no id here')).toBeNull();
  });

  it('reads WAV headers and refuses audio pocketsphinx cannot take', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tolk-wav-'));
    writeWav(join(dir, 'a.wav'), 8000, 2, 4000);
    expect(readWavInfo(join(dir, 'a.wav'))).toMatchObject({
      sampleRate: 8000,
      channels: 2,
      durationSec: 0.5,
    });
    await expect(recognizeWithPocketsphinx(join(dir, 'a.wav'))).rejects.toThrow(/16 kHz mono/);
  });
});

describe.skipIf(!hasPocketsphinx())('pocketsphinx peer on real speech', () => {
  it('finds the transcribed recordings of pocketsphinx-testdata and recognizes one', async () => {
    const scan = scanTestdata();
    expect(scan.entries.length).toBeGreaterThanOrEqual(10);
    expect(scan.entries.every((e) => e.audio_filepath.startsWith(TESTDATA_DIR) && e.duration > 0)).toBe(true);
    const lines = toJsonl(scan.entries).trim().split('\n');
    expect(Object.keys(JSON.parse(lines[0]))).toEqual(
      expect.arrayContaining(['audio_filepath', 'duration', 'text']),
    );
    const short = scan.entries.find((e) => e.text === 'five five') ?? scan.entries[0];
    const r = await recognizeWithPocketsphinx(short.audio_filepath);
    expect(r.text.length).toBeGreaterThan(0);
    expect(wer(short.text, r.text)).toBeLessThanOrEqual(1);
  });
});
