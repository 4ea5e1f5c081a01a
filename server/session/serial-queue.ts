/**
 * Runs async tasks one at a time in the order they were added. A failing task does not stop
 * the ones after it (each task handles its own errors; a leak here is only logged by the caller).
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  run<T>(task: () => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(task);
    this.tail = result.then(
      () => this.pending--,
      () => this.pending--,
    );
    return result;
  }

  /** Tasks added and not yet finished. */
  get size(): number {
    return this.pending;
  }

  /** Resolves once every task added so far has finished. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
