/**
 * A TTS voice: the acoustic model (MelGenerator: words → log-mel) followed by a streaming
 * vocoder. Per text chunk the model runs once (it is non-autoregressive), then the mel goes
 * through the vocoder a few frames at a time and every block of audio is yielded as soon as it
 * is final, so the first PCM leaves after one vocoder block, not after the whole sentence.
 * Between blocks it yields to the event loop (other sessions' audio keeps flowing) and checks
 * the AbortSignal, so a cancel stops the audio within one block.
 */
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { PipelineError } from '../../errors.ts';
import type { MelGenerator } from './mel-generator.ts';
import type { Synthesizer } from './synthesizer.ts';
import type { Vocoder } from './vocoder.ts';

export interface ModelSynthesizerOptions {
  /** Speaking-rate factor passed to the acoustic model (2 = twice as fast). Default 1. */
  speed?: number;
}

export class ModelSynthesizer implements Synthesizer {
  readonly sampleRate: number;

  constructor(
    readonly generator: MelGenerator,
    readonly vocoder: Vocoder,
    private readonly opts: ModelSynthesizerOptions = {},
  ) {
    const mismatch = (['sampleRate', 'hopSamples', 'numMelBins'] as const).filter(
      (k) => generator[k] !== vocoder[k],
    );
    if (mismatch.length) {
      throw new PipelineError('model_load_failed', 'tts', {
        recoverable: false,
        message: `${generator.id}: vocoder ${vocoder.name} does not match the model's mel (${mismatch
          .map((k) => `${k} ${generator[k]} vs ${vocoder[k]}`)
          .join(', ')})`,
      });
    }
    this.sampleRate = generator.sampleRate;
  }

  get lang(): string {
    return this.generator.lang;
  }

  async *synthesizeChunks(text: string, signal: AbortSignal): AsyncIterable<Float32Array> {
    if (signal.aborted || !text.trim()) return;
    let result: Awaited<ReturnType<MelGenerator['generate']>>;
    try {
      result = await this.generator.generate(text, { speed: this.opts.speed, signal });
    } catch (err) {
      if (signal.aborted) return; // the cancel, not a failure
      throw err;
    }
    const { mel, frames } = result;
    const bins = this.generator.numMelBins;
    const step = this.vocoder.pushFrames;
    const stream = this.vocoder.createStream();
    for (let t = 0; t < frames; t += step) {
      const n = Math.min(step, frames - t);
      const audio = await stream.push(mel.subarray(t * bins, (t + n) * bins), n);
      if (audio.length) {
        yield audio;
        // Let other sessions' I/O (and this one's cancel) in before the next block's compute.
        await nextMacrotask();
        if (signal.aborted) return;
      }
    }
    if (signal.aborted) return;
    const tail = await stream.flush();
    if (tail.length) yield tail;
  }

  dispose(): Promise<void> {
    return this.generator.dispose();
  }
}
