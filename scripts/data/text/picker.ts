/**
 * Slot-value pools with held-out shares and the picker templates draw from. A pool flagged
 * `holdOut` keeps ~10% of its values for test and ~5% for dev (fixed by a hash of pool name and
 * value id, independent of the seed); train pairs never see them. Numbers are not held out.
 */
import { hash32, pickOne, type Rng, randInt } from './prng.ts';

export type Split = 'train' | 'dev' | 'test';

export interface Pool<T> {
  name: string;
  items: { value: T; split: Split }[];
}

export function valueSplit(poolName: string, id: string): Split {
  const h = hash32(`value:${poolName}:${id}`) % 20;
  return h < 2 ? 'test' : h === 2 ? 'dev' : 'train';
}

/** Every pool built so far, by name (the domain modules build theirs when imported). */
const POOLS = new Map<string, Pool<unknown>>();

export function registeredPools(): Pool<unknown>[] {
  return [...POOLS.values()];
}

export function pool<T extends { id: string }>(name: string, values: T[], holdOut = true): Pool<T> {
  const ids = new Set<string>();
  for (const v of values) {
    if (ids.has(v.id)) throw new Error(`pool ${name}: duplicate value ${v.id}`);
    ids.add(v.id);
  }
  const built: Pool<T> = {
    name,
    items: values.map((value) => ({ value, split: holdOut ? valueSplit(name, value.id) : 'train' })),
  };
  POOLS.set(name, built);
  return built;
}

export class Picker {
  /** Values drawn from the held-out share of this picker's split. */
  heldOutDrawn = 0;
  readonly used: string[] = [];
  /** pool:value ids drawn from the held-out share */
  readonly usedHeldOut: string[] = [];

  constructor(
    readonly rng: Rng,
    readonly split: Split,
  ) {}

  /** Draws a value allowed in this split; held-out splits prefer their held-out share half the time. */
  from<T>(p: Pool<T>): T {
    const train = p.items.filter((i) => i.split === 'train');
    const own = this.split === 'train' ? [] : p.items.filter((i) => i.split === this.split);
    const useOwn = own.length > 0 && (train.length === 0 || this.rng() < 0.5);
    const chosen = pickOne(this.rng, useOwn ? own : train);
    const ref = `${p.name}:${(chosen.value as { id?: string }).id ?? ''}`;
    if (useOwn) {
      this.heldOutDrawn++;
      this.usedHeldOut.push(ref);
    }
    this.used.push(ref);
    return chosen.value;
  }

  int(lo: number, hi: number): number {
    return randInt(this.rng, lo, hi);
  }

  chance(p: number): boolean {
    return this.rng() < p;
  }

  one<T>(items: readonly T[]): T {
    return pickOne(this.rng, items);
  }
}
