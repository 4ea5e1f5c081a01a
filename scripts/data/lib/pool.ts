/** Runs async jobs with bounded concurrency, reporting each completion. */
export async function runPool<T>(
  items: T[],
  concurrency: number,
  job: (item: T) => Promise<void>,
  onDone: (item: T, error?: unknown) => void,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await job(item);
        onDone(item);
      } catch (error) {
        onDone(item, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}
