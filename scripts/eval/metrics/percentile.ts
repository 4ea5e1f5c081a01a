/**
 * Nearest-rank percentile, the one latency figure definition of the eval and bench scripts:
 * the smallest value with at least a share `q` of the list at or below it.
 */

/** `q` in (0, 1] of an ascending list; 0 for an empty one. */
export function percentile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
