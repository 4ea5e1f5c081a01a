/** All domain templates and their fixed split (by a hash of the template id, per domain). */
import { DIRECTIONS_TEMPLATES } from './domains/directions.ts';
import { EMERGENCY_TEMPLATES } from './domains/emergency.ts';
import { HEALTH_TEMPLATES } from './domains/health.ts';
import { HOTEL_TEMPLATES } from './domains/hotel.ts';
import { RESTAURANT_TEMPLATES } from './domains/restaurant.ts';
import { SHOPPING_TEMPLATES } from './domains/shopping.ts';
import { TRANSPORT_TEMPLATES } from './domains/transport.ts';
import type { Split } from './picker.ts';
import { hash32 } from './prng.ts';
import type { Template } from './template.ts';

export const ALL_TEMPLATES: Template[] = [
  ...HOTEL_TEMPLATES,
  ...TRANSPORT_TEMPLATES,
  ...RESTAURANT_TEMPLATES,
  ...HEALTH_TEMPLATES,
  ...DIRECTIONS_TEMPLATES,
  ...SHOPPING_TEMPLATES,
  ...EMERGENCY_TEMPLATES,
];

/**
 * Per domain, templates are ordered by a hash of their id; the first ~12% (at least one) are
 * test-only and the next ~6% (at least one) dev-only. Independent of the seed, so a model
 * trained with one seed is never tested on its own templates with another.
 */
export function templateSplits(templates: Template[] = ALL_TEMPLATES): Map<string, Split> {
  const out = new Map<string, Split>();
  const byDomain = new Map<string, Template[]>();
  for (const t of templates) {
    if (out.has(t.id)) throw new Error(`duplicate template id ${t.id}`);
    out.set(t.id, 'train');
    byDomain.set(t.domain, [...(byDomain.get(t.domain) ?? []), t]);
  }
  for (const list of byDomain.values()) {
    const sorted = [...list].sort((a, b) => hash32(`template:${a.id}`) - hash32(`template:${b.id}`));
    const nTest = Math.max(1, Math.round(list.length * 0.12));
    const nDev = Math.max(1, Math.round(list.length * 0.06));
    sorted.forEach((t, i) => {
      if (i < nTest) out.set(t.id, 'test');
      else if (i < nTest + nDev) out.set(t.id, 'dev');
    });
  }
  return out;
}
