/**
 * Streaming greedy CTC: argmax per frame, collapse repeats, drop blanks. State (the previous
 * frame's argmax, emitted tokens and their frames, trailing blanks) survives across chunks, so
 * decoding a stream chunk by chunk gives exactly the result of decoding it whole. Cheap enough
 * to run on every chunk for partial transcripts.
 */
import type { LogProbMatrix, WordTiming } from './ctc-types.ts';
import type { CharVocabulary } from './vocabulary.ts';
import { decodeIds } from './vocabulary.ts';
import { wordTimingsFromTokens } from './word-timings.ts';

export interface GreedyDecoderOptions {
  /** Duration of one log-prob frame (10 ms hop × 4 subsampling = 40 ms). */
  frameShiftMs: number;
}

export interface GreedyPartial {
  text: string;
  /** True when this chunk emitted at least one new token. */
  changed: boolean;
  framesDecoded: number;
  /** Frames since the last non-blank token (all frames when nothing was emitted). */
  trailingBlankFrames: number;
  trailingBlankMs: number;
}

export interface GreedyResult extends GreedyPartial {
  tokens: number[];
  tokenFrames: number[];
  words: WordTiming[];
  /** Sum of the chosen frames' log-probs: the log-probability of the best single alignment. */
  pathLogProb: number;
}

export class GreedyCtcDecoder {
  private prevId: number;
  private readonly tokens: number[] = [];
  private readonly tokenFrames: number[] = [];
  private frameCount = 0;
  private trailingBlanks = 0;
  private pathLogProb = 0;

  constructor(
    private readonly vocab: CharVocabulary,
    private readonly options: GreedyDecoderOptions,
  ) {
    this.prevId = vocab.blankId;
  }

  push(chunk: LogProbMatrix): GreedyPartial {
    if (chunk.vocabSize !== this.vocab.size) {
      throw new RangeError(`chunk vocab size ${chunk.vocabSize} != vocabulary size ${this.vocab.size}`);
    }
    const { data, frames, vocabSize } = chunk;
    const blank = this.vocab.blankId;
    let changed = false;
    for (let t = 0; t < frames; t++) {
      const row = t * vocabSize;
      let best = 0;
      let bestLp = data[row];
      for (let v = 1; v < vocabSize; v++) {
        const lp = data[row + v];
        if (lp > bestLp) {
          bestLp = lp;
          best = v;
        }
      }
      this.pathLogProb += bestLp;
      if (best === blank) {
        this.trailingBlanks++;
      } else {
        // A repeat only counts as a new token when a blank separated it from the last one.
        if (best !== this.prevId) {
          this.tokens.push(best);
          this.tokenFrames.push(this.frameCount);
          changed = true;
        }
        this.trailingBlanks = 0;
      }
      this.prevId = best;
      this.frameCount++;
    }
    return this.partial(changed);
  }

  result(): GreedyResult {
    return {
      ...this.partial(false),
      tokens: [...this.tokens],
      tokenFrames: [...this.tokenFrames],
      words: wordTimingsFromTokens(this.tokens, this.tokenFrames, this.vocab, this.options.frameShiftMs),
      pathLogProb: this.pathLogProb,
    };
  }

  /** Start a new utterance (after an endpoint). */
  reset(): void {
    this.prevId = this.vocab.blankId;
    this.tokens.length = 0;
    this.tokenFrames.length = 0;
    this.frameCount = 0;
    this.trailingBlanks = 0;
    this.pathLogProb = 0;
  }

  private partial(changed: boolean): GreedyPartial {
    return {
      text: decodeIds(this.tokens, this.vocab),
      changed,
      framesDecoded: this.frameCount,
      trailingBlankFrames: this.trailingBlanks,
      trailingBlankMs: this.trailingBlanks * this.options.frameShiftMs,
    };
  }
}

/** One-shot greedy decode of a whole matrix. */
export function greedyDecode(
  logProbs: LogProbMatrix,
  vocab: CharVocabulary,
  options: GreedyDecoderOptions,
): GreedyResult {
  const d = new GreedyCtcDecoder(vocab, options);
  d.push(logProbs);
  return d.result();
}
