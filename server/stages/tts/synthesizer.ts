/**
 * What an acoustic model + vocoder must implement to be driven by the streaming TTS driver.
 *
 * `synthesizeChunks` receives one normalised chunk of text (a clause or sentence, words only:
 * numbers, times and prices already spelled out by normalizeText) and yields mono float audio at
 * `sampleRate` as soon as each piece is vocoded; e.g. the FastSpeech-2 model runs once per text
 * chunk and the vocoder yields every ~100–300 ms of mel frames. It must stop promptly (and
 * may simply return) when `signal` aborts; the driver discards anything yielded after that.
 */
export interface Synthesizer {
  /** Rate of the yielded audio (16 kHz for tolk's voices). */
  readonly sampleRate: number;
  synthesizeChunks(text: string, signal: AbortSignal): AsyncIterable<Float32Array>;
}
