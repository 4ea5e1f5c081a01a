/** Channel simulation as sox effects: room reverb, telephone band-limit, or none. */
import type { Rng } from '../text/prng.ts';

export type Channel = 'direct' | 'reverb' | 'telephone' | 'reverb+telephone';

export const CHANNEL_SHARE: [Channel, number][] = [
  ['direct', 0.5],
  ['reverb', 0.25],
  ['telephone', 0.15],
  ['reverb+telephone', 0.1],
];

export function pickChannel(rng: Rng): Channel {
  let r = rng();
  for (const [c, p] of CHANNEL_SHARE) {
    if (r < p) return c;
    r -= p;
  }
  return 'direct';
}

/** sox effect arguments; random parameters are drawn here so they are part of the plan. */
export function channelEffects(channel: Channel, rng: Rng): string[] {
  const reverb = () => {
    const reverberance = 20 + Math.round(rng() * 50);
    const roomScale = 30 + Math.round(rng() * 70);
    return ['reverb', String(reverberance), '50', String(roomScale), 'channels', '1'];
  };
  // narrowband phone: resample to 8 kHz and keep 300–3400 Hz
  const telephone = () => ['rate', '8000', 'sinc', '300-3400'];
  switch (channel) {
    case 'direct':
      return [];
    case 'reverb':
      return reverb();
    case 'telephone':
      return telephone();
    case 'reverb+telephone':
      return [...reverb(), ...telephone()];
  }
}
