/**
 * Per-session decoding of a stream of acoustic log-prob chunks into utterances: greedy CTC
 * partials on every chunk, endpoint detection (VAD event + trailing-blank rules), and on the
 * endpoint a final from the prefix beam search with the domain LM and the session's hotwords.
 *
 * beamMode 'incremental' advances the beam search with every chunk so the final is ready as
 * soon as the endpoint fires (low final latency, steady CPU); 'on-endpoint' keeps the
 * utterance's log-probs and searches once at the end (less CPU for partial-only listeners,
 * latency grows with utterance length).
 */
import { type BeamResult, type BeamSearchOptions, CtcPrefixBeamSearch } from './beam-decoder.ts';
import type { LogProbMatrix } from './ctc-types.ts';
import {
  DEFAULT_ENDPOINT_CONFIG,
  detectEndpoint,
  type EndpointConfig,
  type EndpointReason,
} from './endpointer.ts';
import { GreedyCtcDecoder } from './greedy-decoder.ts';
import { type HotwordSpec, HotwordTrie } from './hotwords.ts';
import type { CharVocabulary } from './vocabulary.ts';

export interface UtteranceDecoderOptions {
  vocab: CharVocabulary;
  frameShiftMs: number;
  beam?: Omit<BeamSearchOptions, 'frameShiftMs' | 'hotwords'>;
  endpoint?: EndpointConfig;
  beamMode?: 'incremental' | 'on-endpoint';
  hotwords?: readonly HotwordSpec[];
  hotwordBoost?: number;
}

export type UtteranceEvent =
  | { type: 'partial'; text: string; utteranceMs: number }
  | {
      type: 'final';
      result: BeamResult;
      reason: EndpointReason | 'flush';
      /** Audio the utterance covered; word timings are relative to its start. */
      utteranceMs: number;
    }
  /** The utterance ended with nothing decoded (noise): no final is due. */
  | { type: 'discarded'; reason: EndpointReason | 'flush'; utteranceMs: number };

export class UtteranceDecoder {
  private readonly greedy: GreedyCtcDecoder;
  private beam: CtcPrefixBeamSearch | null = null;
  private buffered: LogProbMatrix[] = [];
  private hotwords: HotwordTrie | undefined;
  private lastPartial = '';
  private readonly mode: 'incremental' | 'on-endpoint';

  constructor(private readonly options: UtteranceDecoderOptions) {
    this.greedy = new GreedyCtcDecoder(options.vocab, { frameShiftMs: options.frameShiftMs });
    this.mode = options.beamMode ?? 'incremental';
    this.setHotwords(options.hotwords ?? []);
  }

  /** New hotwords take effect at the next utterance (a running search keeps its scores). */
  setHotwords(specs: readonly HotwordSpec[]): void {
    this.hotwords =
      specs.length > 0 ? new HotwordTrie(specs, this.options.vocab, this.options.hotwordBoost) : undefined;
  }

  /**
   * Decode one chunk. `vadSpeechEnded` is true when the front-end sent speech_end for audio
   * up to the end of this chunk.
   */
  push(chunk: LogProbMatrix, vadSpeechEnded = false): UtteranceEvent[] {
    const events: UtteranceEvent[] = [];
    const partial = this.greedy.push(chunk);
    if (this.mode === 'incremental') this.search().push(chunk);
    else this.buffered.push(copy(chunk));
    const utteranceMs = partial.framesDecoded * this.options.frameShiftMs;
    if (partial.text !== this.lastPartial) {
      this.lastPartial = partial.text;
      events.push({ type: 'partial', text: partial.text, utteranceMs });
    }
    const decision = detectEndpoint(
      {
        utteranceMs,
        trailingSilenceMs: partial.trailingBlankMs,
        hasText: partial.text.length > 0,
        vadSpeechEnded,
      },
      this.options.endpoint ?? DEFAULT_ENDPOINT_CONFIG,
    );
    if (decision.endpoint) events.push(this.finish(decision.reason!, decision.empty, utteranceMs));
    return events;
  }

  /** End of stream (or an explicit cut): finalizes whatever the utterance holds. */
  flush(): UtteranceEvent | null {
    const r = this.greedy.result();
    if (r.framesDecoded === 0) return null;
    return this.finish('flush', r.text.length === 0, r.framesDecoded * this.options.frameShiftMs);
  }

  private finish(reason: EndpointReason | 'flush', empty: boolean, utteranceMs: number): UtteranceEvent {
    let event: UtteranceEvent;
    if (empty) {
      event = { type: 'discarded', reason, utteranceMs };
    } else {
      const search = this.search();
      if (this.mode === 'on-endpoint') for (const c of this.buffered) search.push(c);
      event = { type: 'final', result: search.finalize(), reason, utteranceMs };
    }
    this.greedy.reset();
    this.beam = null;
    this.buffered = [];
    this.lastPartial = '';
    return event;
  }

  private search(): CtcPrefixBeamSearch {
    if (!this.beam) {
      this.beam = new CtcPrefixBeamSearch(this.options.vocab, {
        ...this.options.beam,
        frameShiftMs: this.options.frameShiftMs,
        hotwords: this.hotwords,
      });
    }
    return this.beam;
  }
}

/** Chunks may be views into a reused ORT output buffer; keep our own copy. */
function copy(m: LogProbMatrix): LogProbMatrix {
  return { data: m.data.slice(), frames: m.frames, vocabSize: m.vocabSize };
}
