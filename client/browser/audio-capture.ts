/**
 * Microphone capture: getUserMedia → MediaStreamSource → AudioWorklet (`tolk-capture`) in the
 * page's AudioContext, at the context's own sample rate (the server resamples). The main thread
 * cuts the worklet's batches into frames of `frameMs` (≤ 100 ms, the protocol's limit), encodes
 * them as s16le and hands them to `onFrame`, with the frame's peak and RMS level for the meter.
 */
import { encodePcm } from '../../server/protocol/audio-codec.ts';

export const MAX_FRAME_MS = 100;

export interface CapturedFrame {
  /** s16le PCM, mono, at `sampleRate`. */
  pcm: Uint8Array;
  sampleRate: number;
  /** Levels of this frame in dBFS (−100 for digital silence). */
  peakDb: number;
  rmsDb: number;
}

/** Why capture could not start, in words for the page. */
export class CaptureError extends Error {
  constructor(
    readonly code: 'mic_denied' | 'no_mic' | 'mic_busy' | 'insecure_context' | 'unsupported' | 'failed',
    message: string,
  ) {
    super(message);
  }
}

/** Contexts that already loaded the worklet module (a module is loaded once per context). */
const workletLoaded = new WeakSet<BaseAudioContext>();

const toDb = (v: number) => (v > 1e-5 ? 20 * Math.log10(v) : -100);

function describeGetUserMediaError(err: unknown): CaptureError {
  const name = (err as DOMException)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return new CaptureError(
      'mic_denied',
      'Microphone access was denied. Allow the microphone for this site (address bar) and press Start again.',
    );
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') {
    return new CaptureError('no_mic', 'No microphone was found. Connect one and press Start again.');
  }
  if (name === 'NotReadableError' || name === 'AbortError') {
    return new CaptureError(
      'mic_busy',
      'The microphone is in use by another application or could not be opened.',
    );
  }
  return new CaptureError(
    'failed',
    `Could not open the microphone: ${(err as Error)?.message ?? String(err)}`,
  );
}

export class AudioCapture {
  private stream?: MediaStream;
  private source?: MediaStreamAudioSourceNode;
  private node?: AudioWorkletNode;
  private pending: Float32Array;
  private filled = 0;
  private readonly frameSamples: number;

  private constructor(
    private readonly context: AudioContext,
    frameMs: number,
    private readonly onFrame: (frame: CapturedFrame) => void,
  ) {
    this.frameSamples = Math.round((context.sampleRate * Math.min(frameMs, MAX_FRAME_MS)) / 1000);
    this.pending = new Float32Array(this.frameSamples);
  }

  /** Asks for the microphone and starts posting frames. Throws CaptureError. */
  static async start(
    context: AudioContext,
    onFrame: (frame: CapturedFrame) => void,
    options: { frameMs?: number; workletUrl?: string } = {},
  ): Promise<AudioCapture> {
    if (!window.isSecureContext) {
      throw new CaptureError(
        'insecure_context',
        'The microphone needs a secure page: open it over https, or on http://localhost.',
      );
    }
    if (!navigator.mediaDevices?.getUserMedia || !context.audioWorklet) {
      throw new CaptureError('unsupported', 'This browser lacks getUserMedia or AudioWorklet.');
    }
    const capture = new AudioCapture(context, options.frameMs ?? 40, onFrame);
    try {
      capture.stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: true, noiseSuppression: false, autoGainControl: true },
        video: false,
      });
    } catch (err) {
      throw describeGetUserMediaError(err);
    }
    try {
      if (!workletLoaded.has(context)) {
        await context.audioWorklet.addModule(options.workletUrl ?? '/assets/capture-worklet.js');
        workletLoaded.add(context);
      }
      capture.source = context.createMediaStreamSource(capture.stream);
      capture.node = new AudioWorkletNode(context, 'tolk-capture', {
        numberOfInputs: 1,
        numberOfOutputs: 0,
        channelCount: 1,
        channelCountMode: 'explicit',
        channelInterpretation: 'speakers',
      });
      capture.node.port.onmessage = (event: MessageEvent<Float32Array>) => capture.push(event.data);
      capture.source.connect(capture.node);
    } catch (err) {
      capture.stop();
      throw new CaptureError(
        'failed',
        `Could not start audio capture: ${(err as Error)?.message ?? String(err)}`,
      );
    }
    return capture;
  }

  get sampleRate(): number {
    return this.context.sampleRate;
  }

  /** Label of the microphone in use, when the browser tells. */
  get deviceLabel(): string {
    return this.stream?.getAudioTracks()[0]?.label ?? '';
  }

  /** True once the browser ended the track (device unplugged, permission revoked). */
  get ended(): boolean {
    return this.stream?.getAudioTracks().every((t) => t.readyState === 'ended') ?? true;
  }

  private push(batch: Float32Array): void {
    let from = 0;
    while (from < batch.length) {
      const n = Math.min(batch.length - from, this.frameSamples - this.filled);
      this.pending.set(batch.subarray(from, from + n), this.filled);
      this.filled += n;
      from += n;
      if (this.filled === this.frameSamples) {
        this.emit(this.pending);
        this.filled = 0;
      }
    }
  }

  private emit(samples: Float32Array): void {
    let peak = 0;
    let sum = 0;
    for (let i = 0; i < samples.length; i++) {
      const v = Math.abs(samples[i]);
      if (v > peak) peak = v;
      sum += v * v;
    }
    this.onFrame({
      pcm: encodePcm(samples, 's16le'),
      sampleRate: this.context.sampleRate,
      peakDb: toDb(peak),
      rmsDb: toDb(Math.sqrt(sum / samples.length)),
    });
  }

  /** Releases the microphone (the browser's recording indicator goes off). */
  stop(): void {
    if (this.node) {
      this.node.port.onmessage = null;
      this.node.disconnect();
    }
    this.source?.disconnect();
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.node = undefined;
    this.source = undefined;
    this.stream = undefined;
    this.filled = 0;
  }
}
