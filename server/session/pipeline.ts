/**
 * One session's translation pipeline: utterance audio from the front-end → ASR stream
 * (partials) → on speech_end the final transcript → MT → TTS (paced speech) → a `metrics`
 * event per segment.
 *
 * Three serial queues keep each kind of work in segment order without making the front-end
 * wait: ASR calls (audio pushes and finals, in stream order), translations, and speech output
 * plus the segment's metrics. Segment N+1's audio is recognized while segment N is translated
 * or spoken. A failure in one segment's ASR, MT or TTS becomes a recoverable `error` for that
 * segment and the session goes on.
 */
import { performance } from 'node:perf_hooks';
import type { Config } from '../config.ts';
import { PipelineError, type StageName } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Encoding, ServerMessage, Stage } from '../protocol/messages.ts';
import { createGlossary, type Glossary } from '../stages/mt/glossary.ts';
import type { Lang } from '../text/number-words.ts';
import {
  type AsrEngineLike,
  type AsrFinal,
  type AsrStream,
  type AsrWord,
  baseLanguage,
  type PipelineEngines,
} from './pipeline-types.ts';
import { SerialQueue } from './serial-queue.ts';
import { SpeechOutput } from './speech-output.ts';
import { withStageDeadline } from './stage-deadline.ts';
import { planStages, type StagePlan } from './stage-plan.ts';

/** The front-end's utterance audio is 16 kHz. */
const SAMPLES_PER_MS = 16;

export interface PipelineOutput {
  send(message: ServerMessage): void;
  sendBinary(frame: Uint8Array): boolean;
  /** A recoverable per-segment failure, sent as an `error` message. */
  error(error: PipelineError, segmentId: number): void;
  /**
   * Rooms (server/rooms): the rate and encoding translated speech is made in, for the people
   * who will hear it; null when nobody would (no TTS is run). Absent: the session's own format.
   */
  speechFormat?(): { sampleRate: number; encoding: Encoding } | null;
}

export interface PipelineSettings {
  source: string;
  target: string;
  partials: boolean;
  /** Client's rate and encoding, used for speech output. */
  sampleRate: number;
  encoding: Encoding;
  hotwords?: string[];
  /**
   * Barge-in on this session's own speech_start (default true). Rooms turn it off: the speech
   * goes to a peer, who barges in through interrupt() instead.
   */
  selfBargeIn?: boolean;
}

interface SegmentRun {
  id: number;
  /** speech_start / speech_end stream times. */
  startMs: number;
  endMs: number;
  /** Stream time of the segment's first utterance sample (pre-roll included). */
  audioStartMs?: number;
  /** ASR stream time when this segment's audio began (for word timings). */
  asrOriginMs: number;
  asrStarted: boolean;
  lastPartial: string;
  /** Utterances an ASR endpoint rule closed before speech_end. */
  pieces: AsrFinal[];
  asrFailed: boolean;
  frontendMs: number;
  endpointLatencyMs: number;
  speechEndAt: number;
  asrMs: number;
  mtMs: number;
  ttsMs: number;
  ranMt: boolean;
  ranTts: boolean;
  transcriptAt?: number;
  translationAt?: number;
  firstAudioAt?: number;
}

export class SessionPipeline {
  private asr?: AsrStream;
  private readonly asrEngine?: AsrEngineLike;
  private readonly asrOps = new SerialQueue();
  private readonly mtChain = new SerialQueue();
  private readonly speechChain = new SerialQueue();
  private current?: SegmentRun;
  /** ASR stream time of the audio pushed so far, ms. */
  private asrPushedMs = 0;
  private backlogSamples = 0;
  private backlogged = false;
  private speech?: SpeechOutput;
  private playbackEndsAt = 0;
  private lastSpokenSegment = 0;
  private lastSegmentId = 0;
  /** Speech of segments below this id is stale (barged in on) and is not played. */
  private staleBefore = 0;
  private hotwords: string[];
  private hotwordsChanged = false;
  private glossary?: Glossary;
  private closed = false;

  private constructor(
    private readonly engines: PipelineEngines,
    private plan: StagePlan,
    private settings: PipelineSettings,
    private readonly config: Config,
    private readonly out: PipelineOutput,
    private readonly log: Logger,
    /** Called when the ASR backlog has drained after `busy` was true. */
    private readonly onBacklogCleared: () => void,
  ) {
    this.hotwords = settings.hotwords ?? [];
    if (plan.stages.includes('asr')) this.asrEngine = engines.asr.get(baseLanguage(settings.source));
  }

  /** Plans the stages and opens the ASR stream; a stream that cannot open leaves ASR out. */
  static async create(
    engines: PipelineEngines,
    settings: PipelineSettings,
    config: Config,
    out: PipelineOutput,
    log: Logger,
    onBacklogCleared: () => void,
  ): Promise<SessionPipeline> {
    let plan = planStages(engines, settings.source, settings.target);
    let asr: AsrStream | undefined;
    const engine = engines.asr.get(baseLanguage(settings.source));
    if (engine && plan.stages.includes('asr')) {
      try {
        asr = await engine.createStream({ hotwords: settings.hotwords, partials: settings.partials });
      } catch (err) {
        log.error({ err }, 'ASR stream could not be opened');
        plan = {
          stages: ['frontend'],
          unavailable: [
            ...plan.unavailable,
            {
              stage: 'asr',
              code: 'stage_failed',
              message: `ASR stream failed to open: ${(err as Error).message}`,
            },
          ],
        };
      }
    }
    const pipeline = new SessionPipeline(engines, plan, settings, config, out, log, onBacklogCleared);
    pipeline.asr = asr;
    return pipeline;
  }

  get stages(): Stage[] {
    return this.plan.stages;
  }

  get unavailable(): StagePlan['unavailable'] {
    return this.plan.unavailable;
  }

  /** True while more utterance audio waits for the recognizer than TOLK_ASR_MAX_BACKLOG_MS. */
  get busy(): boolean {
    const busy = this.backlogSamples > this.config.asr.maxBacklogMs * SAMPLES_PER_MS;
    if (busy) this.backlogged = true;
    return busy;
  }

  setHotwords(hotwords: string[]): void {
    this.hotwords = hotwords;
    this.hotwordsChanged = true;
  }

  /** Session terms for the session's own pair; they replace earlier session terms. */
  setGlossary(terms: Record<string, string>): void {
    const pair = `${baseLanguage(this.settings.source)}-${baseLanguage(this.settings.target)}`;
    this.glossary = Object.keys(terms).length ? createGlossary({ [pair]: terms }) : undefined;
  }

  /**
   * Rooms: translate from now on into another language (the peer's). Segments already
   * translated keep theirs; the stage plan is redone for the new pair.
   */
  setTarget(target: string): void {
    if (target === this.settings.target || this.closed) return;
    this.settings = { ...this.settings, target };
    // An ASR stream that failed to open stays out; otherwise the new pair decides MT and TTS.
    if (this.plan.stages.includes('asr')) this.plan = planStages(this.engines, this.settings.source, target);
  }

  /** Rooms: the listener started talking; stop the speech playing to them (barge-in). */
  interrupt(): void {
    this.bargeIn(this.current ? this.current.id : this.lastSegmentId + 1);
  }

  // ------------------------------------------------------------------ front-end events

  speechStart(segmentId: number, streamMs: number): void {
    this.lastSegmentId = segmentId;
    if (this.settings.selfBargeIn !== false) this.bargeIn(segmentId);
    this.current = {
      id: segmentId,
      startMs: streamMs,
      endMs: streamMs,
      asrOriginMs: 0,
      asrStarted: false,
      lastPartial: '',
      pieces: [],
      asrFailed: false,
      frontendMs: 0,
      endpointLatencyMs: 0,
      speechEndAt: 0,
      asrMs: 0,
      mtMs: 0,
      ttsMs: 0,
      ranMt: false,
      ranTts: false,
    };
    if (this.hotwordsChanged && this.asr) {
      this.hotwordsChanged = false;
      const hotwords = this.hotwords;
      void this.asrOps.run(async () => this.applyHotwords(hotwords)).catch((err) => this.bug(err));
    }
  }

  speechAudio(samples: Float32Array, streamMs: number): void {
    const seg = this.current;
    if (!seg || !this.asr || this.closed) return;
    if (seg.audioStartMs === undefined) {
      seg.audioStartMs = streamMs;
    }
    this.backlogSamples += samples.length;
    void this.asrOps
      .run(async () => {
        try {
          await this.pushAudio(seg, samples);
        } finally {
          this.backlogSamples -= samples.length;
          if (this.backlogged && this.backlogSamples <= (this.config.asr.maxBacklogMs * SAMPLES_PER_MS) / 2) {
            this.backlogged = false;
            this.onBacklogCleared();
          }
        }
      })
      .catch((err) => this.bug(err));
  }

  /** Ends the segment: its final transcript, translation, speech and metrics follow in order. */
  speechEnd(
    segmentId: number,
    streamMs: number,
    timing: { frontendMs: number; endpointLatencyMs: number },
  ): void {
    const seg = this.current?.id === segmentId ? this.current : undefined;
    if (!seg) return;
    this.current = undefined;
    seg.endMs = streamMs;
    seg.speechEndAt = performance.now();
    seg.frontendMs = timing.frontendMs;
    seg.endpointLatencyMs = timing.endpointLatencyMs;
    if (!this.asr) {
      // Front-end only: nothing is pending, so the metrics go out with speech_end.
      this.sendMetrics(seg);
      return;
    }
    const final = this.asrOps.run(() => this.finishAsr(seg));
    const translation = this.mtChain.run(async () => {
      const text = await final;
      return text && this.plan.stages.includes('mt') ? this.translate(seg, text) : undefined;
    });
    void this.speechChain
      .run(async () => {
        const text = await translation;
        if (text && this.plan.stages.includes('tts')) await this.speak(seg, text);
        this.sendMetrics(seg);
      })
      .catch((err) => this.bug(err));
  }

  /** Resolves when every segment handed over so far is fully processed. */
  async idle(): Promise<void> {
    await Promise.all([this.asrOps.idle(), this.mtChain.idle(), this.speechChain.idle()]);
  }

  /** Stops speech at once, discards pending results, closes the ASR stream. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.speech?.cancel();
    const asr = this.asr;
    this.asr = undefined;
    if (asr) {
      // After the calls in flight (each has a deadline), so the stream is not closed under them.
      void this.asrOps
        .run(async () => asr.close())
        .catch((err) => this.log.warn({ err }, 'ASR close failed'));
    }
  }

  // ------------------------------------------------------------------ ASR

  private async pushAudio(seg: SegmentRun, samples: Float32Array): Promise<void> {
    const asr = this.asr;
    if (!asr || seg.asrFailed || this.closed) return;
    if (!seg.asrStarted) {
      seg.asrStarted = true;
      seg.asrOriginMs = this.asrPushedMs;
    }
    this.asrPushedMs += samples.length / SAMPLES_PER_MS;
    const t0 = performance.now();
    try {
      const events = await withStageDeadline('asr', this.config.asr.timeoutMs, 'ASR chunk', () =>
        asr.pushAudio(samples),
      );
      seg.asrMs += performance.now() - t0;
      if (this.closed) return;
      for (const event of events) {
        if (event.type === 'final') {
          if (event.text.trim()) seg.pieces.push(event);
        } else if (this.settings.partials && !seg.speechEndAt) {
          // After speech_end the final is due; a late partial would only flicker.
          this.sendPartial(seg, event.text);
        }
      }
    } catch (err) {
      seg.asrMs += performance.now() - t0;
      await this.asrFailed(seg, err);
    }
  }

  private sendPartial(seg: SegmentRun, text: string): void {
    // Partials of later utterances in the same segment extend the ones an endpoint rule closed.
    const full = [...seg.pieces.map((p) => p.text), text].filter((t) => t.trim()).join(' ');
    if (!full || full === seg.lastPartial) return;
    seg.lastPartial = full;
    this.out.send({
      type: 'transcript',
      segmentId: seg.id,
      text: full,
      final: false,
      startMs: seg.startMs,
      endMs: Math.max(seg.startMs, (seg.audioStartMs ?? seg.startMs) + this.asrPushedMs - seg.asrOriginMs),
    });
  }

  /** The segment's final transcript text, or undefined when there is nothing to translate. */
  private async finishAsr(seg: SegmentRun): Promise<string | undefined> {
    const asr = this.asr;
    if (!asr || this.closed) return undefined;
    if (!seg.asrFailed) {
      const t0 = performance.now();
      try {
        const last = await withStageDeadline('asr', this.config.asr.timeoutMs, 'ASR final', () =>
          asr.endUtterance(),
        );
        seg.asrMs += performance.now() - t0;
        if (last.text.trim()) seg.pieces.push(last);
      } catch (err) {
        seg.asrMs += performance.now() - t0;
        await this.asrFailed(seg, err);
      }
    }
    if (seg.asrFailed || this.closed) return undefined;
    const final = this.combine(seg);
    seg.transcriptAt = performance.now();
    this.out.send({
      type: 'transcript',
      segmentId: seg.id,
      text: final.text,
      final: true,
      startMs: seg.startMs,
      endMs: seg.endMs,
      words: final.words,
      confidence: round(final.confidence, 1000),
    });
    return final.text.trim() || undefined;
  }

  /** Joins the utterances of one segment, with word times moved to session stream time. */
  private combine(seg: SegmentRun): AsrFinal & { words: Required<AsrWord>[] } {
    const shift = (seg.audioStartMs ?? seg.startMs) - seg.asrOriginMs;
    const words = seg.pieces.flatMap((p) =>
      p.words.map((w) => ({
        word: w.word,
        startMs: round(Math.max(0, w.startMs + shift)),
        endMs: round(Math.max(0, w.endMs + shift)),
        confidence: round(w.confidence ?? p.confidence, 1000),
      })),
    );
    const text = seg.pieces.map((p) => p.text.trim()).join(' ');
    // Weighted by words so a one-word tail does not dominate a long utterance.
    const weights = seg.pieces.map((p) => Math.max(1, p.words.length));
    const total = weights.reduce((a, b) => a + b, 0);
    const confidence = total ? seg.pieces.reduce((a, p, i) => a + p.confidence * weights[i], 0) / total : 0;
    return { text, words, confidence };
  }

  private async asrFailed(seg: SegmentRun, err: unknown): Promise<void> {
    if (seg.asrFailed) return;
    seg.asrFailed = true;
    if (this.closed) return;
    this.out.error(segmentError(err, 'asr'), seg.id);
    // Start the next utterance clean: the stream may hold half of this one.
    try {
      await this.asr?.reset();
    } catch (resetErr) {
      this.log.warn({ err: resetErr }, 'ASR reset failed');
    }
    this.asrPushedMs = 0;
    // Audio of this segment still queued is skipped; the next segment starts at stream time 0.
  }

  private async applyHotwords(hotwords: string[]): Promise<void> {
    const asr = this.asr;
    if (!asr || this.closed) return;
    if (asr.setHotwords) {
      asr.setHotwords(hotwords);
      return;
    }
    // No in-place update: a fresh stream with the new list, between utterances.
    const fresh = await this.asrEngine!.createStream({ hotwords, partials: this.settings.partials });
    await asr.close();
    this.asr = fresh;
    this.asrPushedMs = 0;
  }

  // ------------------------------------------------------------------ MT

  private async translate(seg: SegmentRun, text: string): Promise<string | undefined> {
    const mt = this.engines.mt;
    if (!mt || this.closed) return undefined;
    seg.ranMt = true;
    const t0 = performance.now();
    try {
      const result = await mt.translate(text, {
        source: baseLanguage(this.settings.source),
        target: baseLanguage(this.settings.target),
        glossary: this.glossary,
      });
      seg.mtMs = performance.now() - t0;
      if (this.closed) return undefined;
      seg.translationAt = performance.now();
      this.out.send({
        type: 'translation',
        segmentId: seg.id,
        text: result.text,
        source: this.settings.source,
        target: this.settings.target,
        engine: result.engine,
        ...(result.fallback ? { fallback: result.fallback } : {}),
        ...(result.confidence !== undefined ? { confidence: round(result.confidence, 1000) } : {}),
      });
      return result.text.trim() || undefined;
    } catch (err) {
      seg.mtMs = performance.now() - t0;
      if (!this.closed) this.out.error(segmentError(err, 'mt'), seg.id);
      return undefined;
    }
  }

  // ------------------------------------------------------------------ TTS and barge-in

  private async speak(seg: SegmentRun, text: string): Promise<void> {
    const lang = baseLanguage(this.settings.target);
    const synth = this.engines.tts.get(lang);
    if (!synth || this.closed || seg.id < this.staleBefore) return;
    const format = this.out.speechFormat ? this.out.speechFormat() : this.settings;
    if (!format) return; // nobody would hear it
    seg.ranTts = true;
    const speech = new SpeechOutput(this.out, {
      segmentId: seg.id,
      text,
      lang: lang as Lang,
      synth,
      sampleRate: format.sampleRate,
      encoding: format.encoding,
      chunkTimeoutMs: this.config.tts.timeoutMs,
    });
    this.speech = speech;
    this.lastSpokenSegment = seg.id;
    try {
      await speech.play();
    } catch (err) {
      if (!this.closed) this.out.error(segmentError(err, 'tts'), seg.id);
    } finally {
      if (this.speech === speech) this.speech = undefined;
      seg.ttsMs = speech.computeMs;
      seg.firstAudioAt = speech.firstAudioAt;
      this.playbackEndsAt = Math.max(this.playbackEndsAt, speech.playbackEndsAt);
    }
  }

  /** A new utterance while translated speech still plays: drop it (client and server side). */
  private bargeIn(newSegmentId: number): void {
    if (!this.config.bargeIn || this.closed) return;
    const playing = this.speech !== undefined || performance.now() < this.playbackEndsAt;
    if (!playing) return;
    const segmentId = this.speech?.segmentId ?? this.lastSpokenSegment;
    this.staleBefore = newSegmentId;
    this.playbackEndsAt = 0;
    this.out.send({ type: 'clear', stream: 'speech', segmentId });
    this.speech?.cancel();
  }

  // ------------------------------------------------------------------ metrics

  private sendMetrics(seg: SegmentRun): void {
    if (this.closed) return;
    const since = (t: number | undefined) => (t === undefined ? undefined : round(t - seg.speechEndAt));
    const stageMs: Record<string, number> = { frontend: round(seg.frontendMs) };
    if (this.asr || seg.asrMs > 0) stageMs.asr = round(seg.asrMs);
    if (seg.ranMt) stageMs.mt = round(seg.mtMs);
    if (seg.ranTts) stageMs.tts = round(seg.ttsMs);
    const transcript = since(seg.transcriptAt);
    const translation = since(seg.translationAt);
    const firstAudio = since(seg.firstAudioAt);
    this.out.send({
      type: 'metrics',
      segmentId: seg.id,
      startMs: seg.startMs,
      endMs: seg.endMs,
      stageMs,
      endpointLatencyMs: round(seg.endpointLatencyMs),
      ...(transcript !== undefined ? { transcriptLatencyMs: transcript } : {}),
      ...(translation !== undefined ? { translationLatencyMs: translation } : {}),
      ...(firstAudio !== undefined ? { firstAudioLatencyMs: firstAudio } : {}),
    });
  }

  private bug(err: unknown): void {
    this.log.error({ err }, 'pipeline task failed');
  }
}

/** Any failure of one segment's stage, as a recoverable error with a stable code. */
function segmentError(err: unknown, stage: StageName): PipelineError {
  if (err instanceof PipelineError) {
    return err.recoverable && err.stage === stage
      ? err
      : new PipelineError(err.code === 'internal' ? 'stage_failed' : err.code, stage, {
          message: err.message,
          cause: err,
        });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new PipelineError('stage_failed', stage, { message: `${stage}: ${message}`, cause: err });
}

function round(value: number, scale = 10): number {
  return Math.round(value * scale) / scale;
}
