/** Small seeded PRNG (mulberry32) and helpers, so every generated artefact is reproducible. */
import { Rng as Mulberry32 } from '../../train/lib/rng.ts';

export type Rng = () => number;

/** mulberry32 as a function: the same sequence as `new Rng(seed).next()` in scripts/train/lib/rng.ts. */
export function mulberry32(seed: number): Rng {
  const g = new Mulberry32(seed);
  return () => g.next();
}

/** FNV-1a 32-bit: stable hash for split assignment and derived seeds. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function deriveRng(seed: number, label: string): Rng {
  return mulberry32(hash32(`${seed}:${label}`));
}

export function randInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

export function pickOne<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pickOne: empty list');
  return items[Math.floor(rng() * items.length)];
}

export function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
