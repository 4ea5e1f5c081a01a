import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import wavefile from 'wavefile';
import { readManifest } from '../../scripts/data/lib/manifest.ts';
import { readPcm16Wav } from '../../scripts/data/lib/pcm16-wav.ts';
import { hasTool } from '../../scripts/data/lib/tools.ts';
import { loadCommonVoice } from '../../scripts/data/loaders/commonvoice.ts';
import { loadFolder } from '../../scripts/data/loaders/folder.ts';
import { importToManifest } from '../../scripts/data/loaders/import-manifest.ts';
import { loadLibriSpeech } from '../../scripts/data/loaders/librispeech.ts';

const root = mkdtempSync(join(tmpdir(), 'tolk-loaders-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes a sine WAV with pure JS (no sox needed). */
function writeSine(path: string, seconds: number, rate: number, channels = 1): void {
  const n = Math.round(seconds * rate);
  const data = Array.from({ length: channels }, () =>
    Int16Array.from({ length: n }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate))),
  );
  const wav = new wavefile.WaveFile();
  wav.fromScratch(channels, rate, '16', channels === 1 ? data[0] : data);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, wav.toBuffer());
}

describe('LibriSpeech loader', () => {
  const ls = join(root, 'LibriSpeech', 'dev-clean');
  const chap = join(ls, '84', '121123');
  writeSine(join(chap, '84-121123-0000.wav'), 1.0, 16000);
  writeSine(join(chap, '84-121123-0001.wav'), 0.5, 22050);
  writeFileSync(
    join(chap, '84-121123-0000.trans.txt'),
    [
      '84-121123-0000 GO DO YOU HEAR',
      "84-121123-0001 BUT IN LESS THAN FIVE MINUTES THE STAIRCASE GROANED'S",
      '84-121123-0002 MISSING AUDIO LINE',
      '84-121123-0003',
    ].join('\n'),
  );
  writeSine(join(chap, '84-121123-0003.wav'), 0.3, 16000);

  it('reads transcripts, skips missing audio and empty text', () => {
    const load = loadLibriSpeech(ls);
    expect(load.candidates.map((c) => c.id)).toEqual(['84-121123-0000', '84-121123-0001']);
    expect(load.candidates[0].text).toBe('go do you hear');
    expect(load.candidates[0].speaker).toBe('librispeech:84');
    expect(load.rejected.map((r) => r.reason).sort()).toEqual(['empty-text', 'missing-audio']);
  });

  it('imports to a 16 kHz manifest (pure JS path) and reuses 16 kHz mono files in place', async () => {
    const manifest = join(root, 'out', 'ls.jsonl');
    const summary = await importToManifest(loadLibriSpeech(ls), { manifestPath: manifest, useSox: false });
    expect(summary.written).toBe(2);
    expect(summary.byReason).toEqual({ 'missing-audio': 1, 'empty-text': 1 });
    const rows = readManifest(manifest);
    expect(rows[0].audio_filepath).toBe(join(chap, '84-121123-0000.wav'));
    expect(rows[0].duration).toBeCloseTo(1.0, 3);
    const converted = readPcm16Wav(rows[1].audio_filepath);
    expect(converted.sampleRate).toBe(16000);
    expect(rows[1].duration).toBeCloseTo(0.5, 2);
    // relative paths in the file itself (NeMo convention)
    expect(JSON.parse(readFileSync(manifest, 'utf8').split('\n')[0]).audio_filepath.startsWith('/')).toBe(
      false,
    );
  });

  it.skipIf(!hasTool('sox'))('decodes flac through sox', async () => {
    const flacDir = join(root, 'ls-flac', '19', '198');
    writeSine(join(flacDir, 'src.wav'), 0.8, 16000);
    execFileSync('sox', [join(flacDir, 'src.wav'), join(flacDir, '19-198-0000.flac')]);
    rmSync(join(flacDir, 'src.wav'));
    writeFileSync(join(flacDir, '19-198.trans.txt'), '19-198-0000 NORTHANGER ABBEY\n');
    const summary = await importToManifest(loadLibriSpeech(join(root, 'ls-flac')), {
      manifestPath: join(root, 'out', 'flac.jsonl'),
    });
    expect(summary.written).toBe(1);
    const rows = readManifest(join(root, 'out', 'flac.jsonl'));
    expect(rows[0].duration).toBeCloseTo(0.8, 2);
    expect(rows[0].text).toBe('northanger abbey');
  });
});

describe('Common Voice loader', () => {
  const cv = join(root, 'cv-corpus', 'es');
  writeSine(join(cv, 'clips', 'common_voice_es_1.wav'), 0.7, 48000, 2);
  writeSine(join(cv, 'clips', 'common_voice_es_3.wav'), 0.4, 16000);
  const header = 'client_id\tpath\tsentence\tup_votes\tdown_votes\tage\tgender\taccents\tlocale';
  writeFileSync(
    join(cv, 'validated.tsv'),
    [
      header,
      'abc123\tcommon_voice_es_1.wav\t¿Dónde está la estación?\t2\t0\ttwenties\tfemale\tMéxico\tes',
      'def456\tcommon_voice_es_2.mp3\tEste archivo no existe.\t2\t0\t\t\t\tes',
      'ghi789\tcommon_voice_es_3.wav\t   \t2\t0\t\t\t\tes',
      '',
    ].join('\n'),
  );

  it('reads the TSV, resamples 48 kHz stereo to 16 kHz mono, and counts bad rows', async () => {
    const load = loadCommonVoice(cv);
    expect(load.candidates).toHaveLength(1);
    expect(load.candidates[0]).toMatchObject({
      text: 'dónde está la estación',
      lang: 'es',
      accent: 'México',
      gender: 'female',
    });
    const summary = await importToManifest(load, {
      manifestPath: join(root, 'out', 'cv.jsonl'),
      useSox: false,
    });
    expect(summary.byReason).toEqual({ 'missing-audio': 1, 'empty-text': 1 });
    const [row] = readManifest(join(root, 'out', 'cv.jsonl'));
    expect(row.duration).toBeCloseTo(0.7, 2);
    expect(readPcm16Wav(row.audio_filepath).sampleRate).toBe(16000);
  });
});

describe('folder loader', () => {
  const dir = join(root, 'my-recordings');
  writeSine(join(dir, 'alice', 'take1.wav'), 0.6, 44100);
  writeFileSync(join(dir, 'alice', 'take1.txt'), 'Hello, front desk!\n');
  writeSine(join(dir, 'bob', 'no-transcript.wav'), 0.2, 16000);
  writeFileSync(join(dir, 'bob', 'orphan.txt'), 'no audio for this one');

  it('pairs wav with txt, speaker from the folder, and reports both kinds of orphans', async () => {
    const load = loadFolder(dir, 'en');
    expect(load.candidates).toHaveLength(1);
    expect(load.candidates[0]).toMatchObject({
      text: 'hello front desk',
      speaker: 'folder:alice',
      lang: 'en',
    });
    expect(load.rejected.map((r) => r.reason).sort()).toEqual(['missing-audio', 'missing-text']);
    const summary = await importToManifest(load, {
      manifestPath: join(root, 'out', 'folder.jsonl'),
      useSox: false,
    });
    expect(summary.written).toBe(1);
    expect(readManifest(join(root, 'out', 'folder.jsonl'))[0].duration).toBeCloseTo(0.6, 2);
  });
});
