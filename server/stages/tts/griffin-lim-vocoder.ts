/**
 * The Griffin-Lim baseline as a streaming vocoder over tolk's log-mel (server/audio/log-mel.ts:
 * 80 Slaney bands, 512-point FFT, 10 ms hop): mel frames in, 16 kHz audio out.
 */
import { LOG_MEL_CONFIG, type LogMelConfig } from '../../audio/log-mel.ts';
import { createMelFilterbank } from '../../audio/mel-filterbank.ts';
import { type StftConfig, TTS_STFT_CONFIG } from '../../audio/stft.ts';
import { ChunkedGriffinLim, type ChunkedGriffinLimOptions } from './chunked-griffin-lim.ts';
import { MelInverter } from './mel-inverse.ts';

/** STFT framing that matches a log-mel config frame for frame. */
export function stftConfigFor(mel: LogMelConfig): StftConfig {
  return {
    ...TTS_STFT_CONFIG,
    sampleRate: mel.sampleRate,
    fftSize: mel.fftSize,
    windowSamples: mel.windowSamples,
    hopSamples: mel.hopSamples,
    center: false,
  };
}

const inverters = new Map<LogMelConfig, MelInverter>();

/** The pseudo-inverse is the costly part (~80×80 solve); it is shared by every stream. */
export function melInverterFor(mel: LogMelConfig = LOG_MEL_CONFIG): MelInverter {
  let inv = inverters.get(mel);
  if (!inv) {
    inv = new MelInverter(createMelFilterbank(mel), mel.fftSize / 2 + 1);
    inverters.set(mel, inv);
  }
  return inv;
}

export function createGriffinLimVocoder(
  opts: ChunkedGriffinLimOptions & { mel?: LogMelConfig } = {},
): ChunkedGriffinLim {
  const mel = opts.mel ?? LOG_MEL_CONFIG;
  return new ChunkedGriffinLim(melInverterFor(mel), { ...opts, cfg: stftConfigFor(mel) });
}
