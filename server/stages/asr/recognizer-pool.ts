/**
 * Recognizers loaded once per model folder and shared: the per-language defaults at start-up,
 * any other ASR folder the first time a session names it (`start.model`). Every session on one
 * folder gets a stream of the same engine, so that engine's batcher batches them together.
 */
import type { ModelEntry } from '../../../models/registry.ts';
import { PipelineError } from '../../errors.ts';

export class RecognizerPool<E extends { close(): unknown }> {
  /** By folder: two ids cannot load one folder twice. */
  private readonly engines = new Map<string, Promise<E>>();
  private closed = false;

  constructor(private readonly load: (entry: ModelEntry) => Promise<E>) {}

  /** The engine of `entry`'s folder: loaded by the first caller, shared with every later one. */
  get(entry: ModelEntry): Promise<E> {
    if (this.closed) {
      return Promise.reject(
        new PipelineError('shutting_down', 'asr', { recoverable: false, message: 'ASR engines closed' }),
      );
    }
    const known = this.engines.get(entry.dir);
    if (known) return known;
    const loading: Promise<E> = this.load(entry).catch((err: unknown) => {
      // A folder that failed is tried again by the next session (it may be fixed on disk by then).
      if (this.engines.get(entry.dir) === loading) this.engines.delete(entry.dir);
      throw new PipelineError('model_load_failed', 'asr', {
        recoverable: false,
        message: `ASR ${entry.id} not loaded: ${err instanceof Error ? err.message : String(err)}`,
        cause: err,
      });
    });
    this.engines.set(entry.dir, loading);
    return loading;
  }

  /** Closes every engine, including those still loading. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.engines.values()];
    this.engines.clear();
    await Promise.all(
      all.map((loading) =>
        loading.then(
          (engine) => engine.close(),
          () => undefined,
        ),
      ),
    );
  }
}
