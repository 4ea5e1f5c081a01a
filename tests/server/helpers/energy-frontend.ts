/**
 * Test double for the audio front-end contract: a plain energy-threshold endpointer (10 ms
 * frames, RMS above 0.02 is "voiced") with the same speech-start / hangover rules, and the
 * input passed through unchanged as "denoised" audio. Transport tests use it so they test the
 * transport with exact, predictable segment times; the real front-end has its own tests and the
 * fixture e2e test.
 */
import type { AudioFrontend, FrontendEvent, FrontendOptions } from '../../../server/stages/frontend/types.ts';

const FRAME_MS = 10;
const RMS_THRESHOLD = 0.02;

export function createEnergyFrontend(options: FrontendOptions): Promise<AudioFrontend> {
  const frameSamples = Math.round((options.inputSampleRate * FRAME_MS) / 1000);
  const frameMs = (frameSamples * 1000) / options.inputSampleRate;
  const pending: number[] = [];
  let frameIndex = 0;
  let inSpeech = false;
  let voicedRunStart = -1;
  let voicedRunFrames = 0;
  let silentFrames = 0;
  let lastVoicedEnd = 0;
  let closed = false;

  const onFrame = (frame: number[], out: FrontendEvent[]) => {
    let energy = 0;
    for (const v of frame) energy += v * v;
    const voiced = Math.sqrt(energy / frame.length) > RMS_THRESHOLD;
    const frameStartMs = frameIndex * frameMs;
    frameIndex++;
    if (voiced) {
      if (voicedRunFrames === 0) voicedRunStart = frameStartMs;
      voicedRunFrames++;
      silentFrames = 0;
      lastVoicedEnd = frameStartMs + frameMs;
      if (!inSpeech && voicedRunFrames * frameMs >= options.speechStartMs) {
        inSpeech = true;
        out.push({ type: 'speech_start', streamMs: voicedRunStart });
      }
    } else {
      voicedRunFrames = 0;
      silentFrames++;
      if (inSpeech && silentFrames * frameMs >= options.hangoverMs) {
        inSpeech = false;
        out.push({ type: 'speech_end', streamMs: lastVoicedEnd });
      }
    }
  };

  return Promise.resolve({
    push(samples) {
      if (closed) throw new Error('front-end used after close');
      const out: FrontendEvent[] = [];
      for (const v of samples) {
        pending.push(v);
        if (pending.length === frameSamples) onFrame(pending.splice(0), out);
      }
      if (options.returnDenoised) {
        out.push({ type: 'denoised_audio', samples: samples.slice(), sampleRate: options.inputSampleRate });
      }
      return out;
    },
    flush() {
      const out: FrontendEvent[] = [];
      if (inSpeech) {
        inSpeech = false;
        out.push({ type: 'speech_end', streamMs: lastVoicedEnd });
      }
      return out;
    },
    close() {
      closed = true;
    },
  });
}
