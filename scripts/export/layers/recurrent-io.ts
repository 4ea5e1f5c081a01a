/**
 * Layout glue shared by the LSTM and GRU emitters. ONNX RNN ops use [time, batch, ...] and a
 * leading num_directions axis on states; tolk graphs expose [batch, time, ...] sequences and
 * [batch, hidden] states, so a server can stack many streams' states into one call.
 */
import type { OnnxGraphBuilder } from '../graph-builder.ts';

export type GateActivation = 'sigmoid' | 'hardSigmoid';
export type CellActivation = 'tanh' | 'relu' | 'sigmoid';

/** [batch, time, f] → [time, batch, f]. */
export const toTimeMajor = (b: OnnxGraphBuilder, x: string): string =>
  b.node('Transpose', [x], { perm: { ints: [1, 0, 2] } });

/** [batch, hidden] → [1, batch, hidden]. */
export const stateToOnnx = (b: OnnxGraphBuilder, s: string): string =>
  b.node('Unsqueeze', [s, b.constInt64('axes0', [0])]);

/** [1, batch, hidden] → [batch, hidden]. */
export const stateFromOnnx = (b: OnnxGraphBuilder, s: string): string =>
  b.node('Squeeze', [s, b.constInt64('axes0', [0])]);

/** Y [time, 1, batch, hidden] → [batch, time, hidden]. */
export function sequenceFromOnnx(b: OnnxGraphBuilder, y: string): string {
  const squeezed = b.node('Squeeze', [y, b.constInt64('axes1', [1])]);
  return b.node('Transpose', [squeezed], { perm: { ints: [1, 0, 2] } });
}

/**
 * `activations` plus alpha/beta for ONNX RNN ops. Only the gate activation (always first) may
 * be HardSigmoid, so listing its alpha/beta first is right under either reading of the spec
 * (values consumed per function, or positionally).
 */
export function rnnActivationAttrs(gate: GateActivation, cell: CellActivation, cellCount: number) {
  const onnxName = { sigmoid: 'Sigmoid', hardSigmoid: 'HardSigmoid', tanh: 'Tanh', relu: 'Relu' };
  const names = [onnxName[gate], ...Array.from({ length: cellCount }, () => onnxName[cell])];
  const attrs: Record<string, { strings: string[] } | { floats: number[] }> = {
    activations: { strings: names },
  };
  if (gate === 'hardSigmoid') {
    // tfjs hardSigmoid: clip(0.2x + 0.5, 0, 1).
    attrs.activation_alpha = { floats: names.map((_, i) => (i === 0 ? 0.2 : 0)) };
    attrs.activation_beta = { floats: names.map((_, i) => (i === 0 ? 0.5 : 0)) };
  }
  return attrs;
}
