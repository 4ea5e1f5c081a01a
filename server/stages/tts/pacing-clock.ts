/** Time source for pacing, injectable so tests can run on a virtual clock. */
import { setTimeout as delay } from 'node:timers/promises';

export interface PacingClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realClock: PacingClock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    delay(ms, undefined, { signal }).then(
      () => undefined,
      () => undefined,
    ),
};
