/**
 * The TTS training data path (scripts/train/tts/dataset.ts): per-symbol prosody from MAS
 * durations, its normalisation, the voice statistics and mel normalisation on hand-made
 * utterances, and loadTtsUtterances on small WAVs written here (features, drop reasons, the
 * 16 kHz check, text_normalized taking precedence).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ManifestEntry } from '../../scripts/data/lib/manifest.ts';
import {
  loadTtsUtterances,
  MEL_FLOOR,
  measureVoiceStats,
  normalizeMels,
  normalizeProsody,
  perSymbolProsody,
  type TtsUtterance,
  toFastSpeechSample,
  type VoiceStats,
} from '../../scripts/train/tts/dataset.ts';
import { LOG_MEL_CONFIG, logMel } from '../../server/audio/log-mel.ts';
import { encodeWav, readWavSync } from '../../server/audio/wav-io.ts';
import { encodeText } from '../../server/stages/tts/symbols.ts';

const BINS = LOG_MEL_CONFIG.numMelBins;
const SR = LOG_MEL_CONFIG.sampleRate;

describe('perSymbolProsody', () => {
  it('averages F0 over each symbol’s voiced frames and energy over all its frames', () => {
    const durations = [2, 1, 3];
    const f0 = Float32Array.from([100, 0, 0, 200, 220, 0]);
    const energy = Float32Array.from([1, 3, 5, 2, 4, 6]);
    const p = perSymbolProsody(durations, f0, energy);
    expect([...p.pitchHz]).toEqual([100, 0, 210]);
    expect([...p.energy]).toEqual([2, 5, 4]);
  });

  it('gives an unvoiced-only symbol pitch 0 and a zero-frame symbol 0 for both', () => {
    const p = perSymbolProsody([1, 0, 2], Float32Array.from([0, 150, 0]), Float32Array.from([-2, -4, -6]));
    expect([...p.pitchHz]).toEqual([0, 0, 150]);
    expect([...p.energy]).toEqual([-2, 0, -5]);
  });
});

const stats = (over: Partial<VoiceStats> = {}): VoiceStats => ({
  melMean: Array(BINS).fill(0),
  melStd: Array(BINS).fill(1),
  pitchMeanHz: 150,
  pitchStdHz: 50,
  energyMean: 2,
  energyStd: 2,
  ...over,
});

describe('normalizeProsody', () => {
  it('standardises voiced pitch and every energy; unvoiced pitch stays 0', () => {
    const n = normalizeProsody({ pitchHz: [100, 0, 210], energy: [2, 5, 4] }, stats());
    expect([...n.pitch]).toEqual([-1, 0, expect.closeTo(1.2, 6)]);
    expect([...n.energy]).toEqual([0, 1.5, 1]);
  });
});

/** An utterance with band values mel[t][m] = m + offsets[t], band BINS−1 held at 7. */
function handMade(key: string, offsets: number[], f0: number[], energy: number[]): TtsUtterance {
  const frames = offsets.length;
  const mel = new Float32Array(frames * BINS);
  for (let t = 0; t < frames; t++)
    for (let m = 0; m < BINS; m++) mel[t * BINS + m] = m === BINS - 1 ? 7 : m + offsets[t];
  return {
    key,
    text: 'ab',
    ids: Int32Array.from([3, 1]),
    mel,
    frames,
    f0: Float32Array.from(f0),
    energy: Float32Array.from(energy),
  };
}

describe('measureVoiceStats / normalizeMels', () => {
  it('measures per-band mel, voiced-only pitch and frame-energy statistics over all utterances', () => {
    const utts = [handMade('a', [0, 2], [100, 0], [1, 2]), handMade('b', [4, 6], [0, 200], [3, 4])];
    const s = measureVoiceStats(utts);
    expect(s.melMean).toHaveLength(BINS);
    for (let m = 0; m < BINS - 1; m++) {
      expect(s.melMean[m]).toBeCloseTo(m + 3, 4);
      expect(s.melStd[m]).toBeCloseTo(Math.sqrt(5), 4);
    }
    // A constant band gets the 0.01 floor rather than a division by zero later.
    expect(s.melMean[BINS - 1]).toBeCloseTo(7, 5);
    expect(s.melStd[BINS - 1]).toBe(0.01);
    expect(s.pitchMeanHz).toBeCloseTo(150, 4);
    expect(s.pitchStdHz).toBeCloseTo(50, 3);
    expect(s.energyMean).toBeCloseTo(2.5, 5);
    expect(s.energyStd).toBeCloseTo(Math.sqrt(1.25), 4);

    normalizeMels(utts, s);
    const band = (m: number) =>
      utts.flatMap((u) => Array.from({ length: u.frames }, (_, t) => u.mel[t * BINS + m]));
    for (const m of [0, 40, BINS - 2]) {
      const v = band(m);
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
      expect(mean).toBeCloseTo(0, 4);
      expect(sd).toBeCloseTo(1, 4);
      expect(v[0]).toBeCloseTo(-3 / Math.sqrt(5), 4);
    }
    expect(band(BINS - 1).every((x) => Math.abs(x) < 1e-3)).toBe(true);
  });

  it('a voice with no voiced frame gets pitch mean 0 and std 1 (nothing to divide by zero)', () => {
    const s = measureVoiceStats([handMade('a', [0, 1, 2], [0, 0, 0], [1, 1, 1])]);
    expect(s.pitchMeanHz).toBe(0);
    expect(s.pitchStdHz).toBe(1);
  });

  it('toFastSpeechSample carries the cached durations and the normalised prosody', () => {
    const u = handMade('a', [0, 2, 4], [100, 0, 200], [1, 2, 3]);
    const sample = toFastSpeechSample(u, { durations: [2, 1], pitchHz: [100, 0], energy: [1.5, 3] }, stats());
    expect([...sample.durations]).toEqual([2, 1]);
    expect([...sample.pitch]).toEqual([-1, 0]);
    expect([...sample.energy]).toEqual([-0.25, 0.5]);
    expect(sample.frames).toBe(3);
    expect(sample.mel).toBe(u.mel);
  });
});

describe('loadTtsUtterances', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tolk-tts-data-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** 180 Hz harmonic tone for `seconds`, digital silence for the first `silentSeconds` of it. */
  function wav(name: string, seconds: number, silentSeconds = 0, rate = SR): string {
    const n = Math.round(seconds * rate);
    const x = new Float32Array(n);
    for (let i = Math.round(silentSeconds * rate); i < n; i++) {
      const ph = (2 * Math.PI * 180 * i) / rate;
      x[i] = 0.3 * (Math.sin(ph) + 0.5 * Math.sin(2 * ph) + 0.25 * Math.sin(3 * ph));
    }
    const path = join(dir, name);
    writeFileSync(path, encodeWav(x, rate));
    return path;
  }
  const entry = (path: string, text: string, extra: object = {}): ManifestEntry => ({
    audio_filepath: path,
    duration: 0,
    text,
    ...extra,
  });

  it('computes floored log-mel, per-frame energy and F0 for a usable utterance', () => {
    const path = wav('tone.wav', 1, 0.3);
    const { utterances, report } = loadTtsUtterances([entry(path, 'Tengo 3 gatos.')], 'es', {
      label: 'test',
      maxFrames: 1000,
      progress: false,
    });
    expect(report).toMatchObject({ loaded: 1, dropped: {}, unknownChars: {} });
    const u = utterances[0];
    expect(u.key).toBe(path);
    expect(u.text).toBe('Tengo tres gatos.');
    expect([...u.ids]).toEqual([...encodeText('Tengo tres gatos.', 'es').ids]);
    expect(u.frames).toBe(Math.floor((SR - LOG_MEL_CONFIG.windowSamples) / LOG_MEL_CONFIG.hopSamples) + 1);
    expect(report.audioHours).toBeCloseTo((u.frames * 0.01) / 3600, 10);
    expect(u.mel.length).toBe(u.frames * BINS);
    expect(u.f0.length).toBe(u.frames);
    expect(u.energy.length).toBe(u.frames);

    // The silent lead-in sits exactly at the floor; the tone is far above it.
    const floor = Math.fround(MEL_FLOOR);
    expect(Math.min(...u.mel)).toBeCloseTo(floor, 5);
    expect(u.mel.subarray(0, 10 * BINS).every((v) => Math.abs(v - floor) < 1e-5)).toBe(true);
    expect(u.energy[0]).toBeCloseTo(floor, 5);
    // The same samples the loader decodes (after 16-bit quantisation), before the floor.
    const raw = logMel(readWavSync(path).samples).data;
    const t = 60;
    const expected =
      raw.subarray(t * BINS, (t + 1) * BINS).reduce((a, v) => a + Math.max(v, MEL_FLOOR), 0) / BINS;
    expect(u.energy[t]).toBeCloseTo(expected, 4);
    expect(u.energy[t]).toBeGreaterThan(u.energy[0] + 5);

    // F0: silent frames unvoiced, tone frames at 180 Hz.
    expect([...u.f0.subarray(0, 25)].every((f) => f === 0)).toBe(true);
    const toneF0 = [...u.f0.subarray(35)];
    expect(toneF0.every((f) => Math.abs(f - 180) < 180 * 0.02)).toBe(true);
  });

  it('drops utterances with no symbols, too many frames or fewer frames than symbols, and counts unknown characters', () => {
    const ok = wav('ok.wav', 0.5);
    const long = wav('long.wav', 1.5);
    const short = wav('short.wav', 0.05);
    const { utterances, report } = loadTtsUtterances(
      [
        entry(ok, '€€€'),
        entry(ok, '日本'),
        entry(long, 'hola'),
        entry(short, 'una frase bastante larga para tan poco audio'),
        entry(ok, 'hola €'),
      ],
      'es',
      { label: 'test', maxFrames: 100, progress: false },
    );
    expect(report.dropped).toEqual({
      'no symbols': 2,
      'longer than 100 frames': 1,
      'fewer frames than symbols': 1,
    });
    expect(utterances.map((u) => u.text)).toEqual(['hola €']);
    expect(report.loaded).toBe(1);
    expect(report.unknownChars).toEqual({ '€': 4, 日: 1, 本: 1 });
  });

  it('uses text_normalized when the manifest has it, instead of normalising text again', () => {
    const path = wav('n.wav', 0.5);
    const { utterances } = loadTtsUtterances(
      [
        entry(path, 'Tengo 3 gatos.', { text_normalized: 'tengo tres gatitos' }),
        entry(path, 'Tengo 3 gatos.'),
      ],
      'es',
      { label: 'test', maxFrames: 1000, progress: false },
    );
    expect(utterances.map((u) => u.text)).toEqual(['tengo tres gatitos', 'Tengo tres gatos.']);
    expect([...utterances[0].ids]).toEqual([...encodeText('tengo tres gatitos', 'es').ids]);
  });

  it('refuses a WAV that is not 16 kHz rather than training on the wrong mel scale', () => {
    const path = wav('22k.wav', 0.5, 0, 22050);
    expect(() =>
      loadTtsUtterances([entry(path, 'hola')], 'es', { label: 'test', maxFrames: 1000, progress: false }),
    ).toThrow(/22050 Hz; the TTS model trains on 16 kHz mono/);
  });
});
