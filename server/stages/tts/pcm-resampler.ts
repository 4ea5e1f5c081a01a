/**
 * Streaming resampler for TTS output (model rate → client rate), backed by the project's
 * polyphase sinc resampler (server/audio/resample.ts): stateful, so chunk seams are
 * continuous, and exact in total: N input samples give ceil(N · to / from) output samples
 * once flushed.
 */
import { StreamingResampler } from '../../audio/resample.ts';

export interface ChunkResampler {
  readonly fromRate: number;
  readonly toRate: number;
  push(samples: Float32Array): Float32Array;
  /** Drains the filter delay; after this, total output = ceil(total input · toRate / fromRate). */
  flush(): Float32Array;
  dispose(): void;
}

class PolyphaseChunkResampler implements ChunkResampler {
  private readonly inner: StreamingResampler | null;

  constructor(
    readonly fromRate: number,
    readonly toRate: number,
  ) {
    this.inner = fromRate === toRate ? null : new StreamingResampler(fromRate, toRate);
  }

  push(samples: Float32Array): Float32Array {
    // The resampler returns a view into its own buffer, reused on the next call: copy it.
    return this.inner ? this.inner.push(samples).slice() : samples;
  }

  flush(): Float32Array {
    return this.inner ? this.inner.flush().slice() : new Float32Array(0);
  }

  dispose(): void {}
}

export function createResampler(fromRate: number, toRate: number): ChunkResampler {
  return new PolyphaseChunkResampler(fromRate, toRate);
}
