/**
 * Streaming resampler for TTS output (model rate → client rate). Wraps libsamplerate's full
 * API (stateful, so chunk seams are continuous) and makes the totals exact: `flush` pushes
 * silence through the filter delay and trims, so N input samples always give
 * round(N · to / from) output samples.
 *
 * TODO(owner of server/audio/resample.ts): once that polyphase resampler is committed, back
 * this interface with it (cheaper per session, no wasm instance per stream).
 */
import LibSampleRate from '@alexanderolsen/libsamplerate-js';

export interface ChunkResampler {
  readonly fromRate: number;
  readonly toRate: number;
  push(samples: Float32Array): Float32Array;
  /** Drains the filter; after this, total output = round(total input · toRate / fromRate). */
  flush(): Float32Array;
  dispose(): void;
}

class IdentityResampler implements ChunkResampler {
  constructor(
    readonly fromRate: number,
    readonly toRate: number,
  ) {}
  push(samples: Float32Array): Float32Array {
    return samples;
  }
  flush(): Float32Array {
    return new Float32Array(0);
  }
  dispose(): void {}
}

type Src = Awaited<ReturnType<typeof LibSampleRate.create>>;

class LibSampleRateResampler implements ChunkResampler {
  private inTotal = 0;
  private outTotal = 0;

  constructor(
    readonly fromRate: number,
    readonly toRate: number,
    private readonly src: Src,
  ) {}

  push(samples: Float32Array): Float32Array {
    if (samples.length === 0) return samples;
    this.inTotal += samples.length;
    // full() returns a view into wasm memory that the next call overwrites: copy it.
    const out = this.src.full(samples).slice();
    this.outTotal += out.length;
    return out;
  }

  flush(): Float32Array {
    const want = Math.round((this.inTotal * this.toRate) / this.fromRate);
    const parts: Float32Array[] = [];
    let have = this.outTotal;
    // The sinc filter holds back a few ms; silence pushes it out. Bounded: 8 rounds of 20 ms.
    const silence = new Float32Array(Math.ceil(this.fromRate / 50));
    for (let round = 0; have < want && round < 8; round++) {
      const out = this.src.full(silence).slice();
      parts.push(out.subarray(0, Math.min(out.length, want - have)));
      have += parts[parts.length - 1].length;
    }
    const tail = new Float32Array(want - this.outTotal);
    let o = 0;
    for (const p of parts) {
      tail.set(p.subarray(0, tail.length - o), o);
      o += p.length;
    }
    this.outTotal = want;
    return tail;
  }

  dispose(): void {
    this.src.destroy();
  }
}

export async function createResampler(fromRate: number, toRate: number): Promise<ChunkResampler> {
  if (fromRate === toRate) return new IdentityResampler(fromRate, toRate);
  const src = await LibSampleRate.create(1, fromRate, toRate, {
    converterType: LibSampleRate.ConverterType.SRC_SINC_FASTEST,
  });
  return new LibSampleRateResampler(fromRate, toRate, src);
}
