/**
 * AudioWorklet processor `tolk-capture`: copies the first input channel of each 128-sample render
 * quantum into a batch and posts the batch (a transferred Float32Array, ~21 ms at 48 kHz) to the
 * main thread, which converts it to s16le and sends it. Nothing else happens on the audio thread.
 *
 * The AudioWorklet global scope is not in the repo's DOM lib, so its few names are declared here.
 */
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, ctor: new () => AudioWorkletProcessor): void;

/** Samples per posted batch: 8 render quanta. */
const BATCH_SAMPLES = 1024;

class CaptureProcessor extends AudioWorkletProcessor {
  private batch = new Float32Array(BATCH_SAMPLES);
  private filled = 0;

  process(inputs: Float32Array[][]): boolean {
    const channel = inputs[0]?.[0];
    // No input connected yet (or the track ended): keep the node alive, post nothing.
    if (!channel) return true;
    let from = 0;
    while (from < channel.length) {
      const n = Math.min(channel.length - from, BATCH_SAMPLES - this.filled);
      this.batch.set(channel.subarray(from, from + n), this.filled);
      this.filled += n;
      from += n;
      if (this.filled === BATCH_SAMPLES) {
        this.port.postMessage(this.batch, [this.batch.buffer]);
        this.batch = new Float32Array(BATCH_SAMPLES);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor('tolk-capture', CaptureProcessor);
