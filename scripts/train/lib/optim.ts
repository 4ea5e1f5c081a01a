/**
 * Optimizers with explicit, checkpointable state (tfjs' own keep their slots under global
 * variable names and restore asynchronously), gradient clipping by global norm, and
 * warm-up + decay learning-rate schedules.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedWeight, ParamStore } from './params.ts';

export interface AdamConfig {
  kind: 'adam';
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Decoupled weight decay (AdamW); 0 by default. */
  weightDecay?: number;
}

export interface SgdConfig {
  kind: 'sgd';
  momentum?: number;
  nesterov?: boolean;
}

export type OptimizerConfig = AdamConfig | SgdConfig;

/** Optimizer state as named host arrays: `<param>/<slot>` plus the update counter. */
export interface OptimizerState {
  updates: number;
  slots: Map<string, NamedWeight>;
}

export class Optimizer {
  private updates = 0;
  private readonly slots = new Map<string, tf.Variable>();

  constructor(
    readonly params: ParamStore,
    readonly config: OptimizerConfig,
  ) {
    for (const [name, v] of params.entries()) {
      for (const slot of this.slotNames()) {
        const zeros = tf.zerosLike(v);
        this.slots.set(`${name}/${slot}`, tf.variable(zeros, false));
        zeros.dispose(); // the variable keeps its own reference to the data
      }
    }
  }

  private slotNames(): string[] {
    return this.config.kind === 'adam' ? ['m', 'v'] : ['momentum'];
  }

  /** Applies `grads` (by param name) with learning rate `lr`. Does not dispose `grads`. */
  apply(grads: Map<string, tf.Tensor>, lr: number): void {
    this.updates++;
    const c = this.config;
    tf.tidy(() => {
      for (const [name, p] of this.params.entries()) {
        const g = grads.get(name);
        if (!g || !p.trainable) continue;
        if (c.kind === 'adam') {
          const b1 = c.beta1 ?? 0.9;
          const b2 = c.beta2 ?? 0.999;
          const eps = c.epsilon ?? 1e-8;
          const m = this.slots.get(`${name}/m`)!;
          const v = this.slots.get(`${name}/v`)!;
          m.assign(tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)));
          v.assign(tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2)));
          // Bias correction folded into the step size (Kingma & Ba, Algorithm 1 footnote).
          const stepSize = (lr * Math.sqrt(1 - b2 ** this.updates)) / (1 - b1 ** this.updates);
          let upd = tf.div(tf.mul(m, stepSize), tf.add(tf.sqrt(v), eps));
          if (c.weightDecay) upd = tf.add(upd, tf.mul(p, lr * c.weightDecay));
          p.assign(tf.sub(p, upd));
        } else {
          const mu = c.momentum ?? 0.9;
          const buf = this.slots.get(`${name}/momentum`)!;
          buf.assign(tf.add(tf.mul(buf, mu), g));
          const dir = c.nesterov ? tf.add(g, tf.mul(buf, mu)) : buf;
          p.assign(tf.sub(p, tf.mul(dir, lr)));
        }
      }
    });
  }

  getState(): OptimizerState {
    const slots = new Map<string, NamedWeight>();
    for (const [name, v] of this.slots)
      slots.set(name, { data: v.dataSync().slice() as Float32Array, shape: [...v.shape] });
    return { updates: this.updates, slots };
  }

  setState(state: OptimizerState): void {
    this.updates = state.updates;
    for (const [name, v] of this.slots) {
      const s = state.slots.get(name);
      if (!s) throw new Error(`optimizer state: missing slot ${name}`);
      const t = tf.tensor(s.data, v.shape);
      v.assign(t);
      t.dispose();
    }
  }

  dispose(): void {
    for (const v of this.slots.values()) v.dispose();
    this.slots.clear();
  }
}

/**
 * Scales gradients so their global L2 norm is at most `maxNorm` (Pascanu et al. 2013).
 * Returns the norm before clipping and new tensors (inputs are left alone).
 */
export function clipByGlobalNorm(
  grads: Map<string, tf.Tensor>,
  maxNorm: number,
): { grads: Map<string, tf.Tensor>; norm: number } {
  const sq = tf.tidy(() => tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g)))));
  const norm = Math.sqrt(sq.dataSync()[0]);
  sq.dispose();
  const scale = Number.isFinite(norm) && norm > maxNorm ? maxNorm / norm : 1;
  const out = new Map<string, tf.Tensor>();
  for (const [k, g] of grads) out.set(k, scale === 1 ? g.clone() : tf.mul(g, scale));
  return { grads: out, norm };
}

export interface ScheduleConfig {
  /** Peak learning rate, reached at the end of warm-up. */
  lr: number;
  warmupSteps?: number;
  /** After warm-up: constant, linear/cosine down to `minLr` at `totalSteps`, or ∝ 1/√step (Noam). */
  decay?: 'constant' | 'linear' | 'cosine' | 'inverse-sqrt';
  totalSteps?: number;
  minLr?: number;
}

/** Learning rate for 0-based `step`: linear warm-up, then the chosen decay. */
export function learningRate(s: ScheduleConfig, step: number): number {
  const warm = s.warmupSteps ?? 0;
  const minLr = s.minLr ?? 0;
  if (warm > 0 && step < warm) return (s.lr * (step + 1)) / warm;
  const decay = s.decay ?? 'constant';
  if (decay === 'constant') return s.lr;
  if (decay === 'inverse-sqrt') return s.lr * Math.sqrt(Math.max(1, warm) / Math.max(step + 1, 1));
  const total = s.totalSteps ?? step + 1;
  const frac = Math.min(1, Math.max(0, (step - warm) / Math.max(1, total - warm)));
  const shape = decay === 'linear' ? 1 - frac : 0.5 * (1 + Math.cos(Math.PI * frac));
  return minLr + (s.lr - minLr) * shape;
}
