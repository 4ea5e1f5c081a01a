/**
 * Shapes shared by the CTC decoders. Log-probabilities are natural logs, row-major
 * [frames × vocabSize], one row per acoustic frame after subsampling.
 */
export interface LogProbMatrix {
  readonly data: Float32Array;
  readonly frames: number;
  readonly vocabSize: number;
}

export interface WordTiming {
  word: string;
  startMs: number;
  endMs: number;
  /** 0..1; only set by decoders that can estimate it (the beam search). */
  confidence?: number;
}

export function logProbMatrix(data: Float32Array, vocabSize: number): LogProbMatrix {
  if (vocabSize <= 0 || data.length % vocabSize !== 0) {
    throw new RangeError(`log-prob data length ${data.length} is not a multiple of vocab size ${vocabSize}`);
  }
  return { data, frames: data.length / vocabSize, vocabSize };
}

/** Builds a matrix from nested rows (tests and tools); rows must all have the same length. */
export function logProbMatrixFromRows(rows: readonly (readonly number[])[]): LogProbMatrix {
  const vocabSize = rows[0]?.length ?? 0;
  const data = new Float32Array(rows.length * vocabSize);
  rows.forEach((r, t) => {
    if (r.length !== vocabSize)
      throw new RangeError(`row ${t} has ${r.length} entries, expected ${vocabSize}`);
    data.set(r, t * vocabSize);
  });
  return { data, frames: rows.length, vocabSize };
}

export function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}
