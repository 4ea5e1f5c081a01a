import { describe, expect, it } from 'vitest';
import { concatSamples } from '../../../server/audio/concat.ts';
import { LOG_MEL_CONFIG, logMel } from '../../../server/audio/log-mel.ts';
import { createMelFilterbank } from '../../../server/audio/mel-filterbank.ts';
import { istftLength, stft } from '../../../server/audio/stft.ts';
import { ChunkedGriffinLim } from '../../../server/stages/tts/chunked-griffin-lim.ts';
import { griffinLim, spectralConvergence } from '../../../server/stages/tts/griffin-lim.ts';
import { melInverterFor, stftConfigFor } from '../../../server/stages/tts/griffin-lim-vocoder.ts';
import { speechLike } from './synthetic-speech.ts';

const cfg = stftConfigFor(LOG_MEL_CONFIG);
const audio = speechLike(1200, 1);
const mel = logMel(audio, { padEnd: true });
const inverter = melInverterFor(LOG_MEL_CONFIG);
const target = inverter.logMelToMagnitude(mel.data, mel.frames);
const bands = createMelFilterbank(LOG_MEL_CONFIG);

describe('mel pseudo-inverse', () => {
  it('gives a magnitude whose mel matches the input mel in bands that carry the signal', () => {
    let worst = 0;
    let checked = 0;
    for (const t of [10, 50, 90]) {
      for (let m = 0; m < bands.length; m++) {
        const orig = mel.data[t * 80 + m];
        if (orig < Math.log(1e-2)) continue;
        const { startBin, weights } = bands[m];
        let e = 0;
        for (let j = 0; j < weights.length; j++)
          e += weights[j] * target[t * inverter.bins + startBin + j] ** 2;
        worst = Math.max(worst, Math.abs(Math.log(e) - orig));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
    expect(worst).toBeLessThan(0.5);
  });
});

describe('Griffin-Lim', () => {
  it('improves spectral convergence over iterations, faster with momentum', () => {
    const fast: number[] = [];
    const classic: number[] = [];
    griffinLim(target, mel.frames, { cfg, iterations: 24, onIteration: (_, sc) => fast.push(sc) });
    griffinLim(target, mel.frames, {
      cfg,
      iterations: 24,
      momentum: 0,
      onIteration: (_, sc) => classic.push(sc),
    });
    expect(fast[23]).toBeLessThan(fast[8]);
    expect(fast[8]).toBeLessThan(fast[0]);
    expect(fast[23]).toBeLessThan(0.5 * fast[0]);
    expect(classic[23]).toBeLessThan(classic[0]);
    expect(fast[23]).toBeLessThan(classic[23]);
  });

  it('returns audio whose STFT magnitude is close to the target', () => {
    const { audio: y } = griffinLim(target, mel.frames, { cfg, iterations: 24 });
    expect(y.length).toBe(istftLength(mel.frames, cfg));
    const sc = spectralConvergence(target, stft(y, cfg));
    expect(sc).toBeLessThan(0.25);
    let energy = 0;
    for (const v of y) energy += v * v;
    expect(Math.sqrt(energy / y.length)).toBeGreaterThan(0.01);
  });

  it('chunked Griffin-Lim is close to whole-utterance Griffin-Lim', () => {
    const iterations = 24;
    const whole = griffinLim(target, mel.frames, { cfg, iterations }).audio;
    const scWhole = spectralConvergence(target, stft(whole, cfg));
    const chunked = new ChunkedGriffinLim(inverter, {
      cfg,
      iterations,
      chunkFrames: 24,
      firstChunkFrames: 12,
    });
    const parts: Float32Array[] = [];
    for (let f = 0; f < mel.frames; f += 7) {
      const n = Math.min(7, mel.frames - f);
      parts.push(chunked.push(mel.data.subarray(f * 80, (f + n) * 80), n));
    }
    parts.push(chunked.flush());
    // Audio came out before the end (streaming), in more than one piece.
    expect(parts.filter((p) => p.length > 0).length).toBeGreaterThan(3);
    expect(parts.slice(0, 4).some((p) => p.length > 0)).toBe(true);
    const y = concatSamples(parts);
    expect(y.length).toBe(whole.length);
    const scChunked = spectralConvergence(target, stft(y, cfg));
    expect(scChunked).toBeLessThan(scWhole * 1.25 + 0.02);
    // No clicks at the seams: no sample jump far beyond the largest jump of the whole version.
    let maxJumpWhole = 0;
    let maxJump = 0;
    for (let i = 1; i < y.length; i++) {
      maxJumpWhole = Math.max(maxJumpWhole, Math.abs(whole[i] - whole[i - 1]));
      maxJump = Math.max(maxJump, Math.abs(y[i] - y[i - 1]));
    }
    expect(maxJump).toBeLessThan(2 * maxJumpWhole);
  });
});
