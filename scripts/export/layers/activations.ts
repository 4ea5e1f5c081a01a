/** Element-wise activations by their Keras/tfjs names, as ONNX nodes. */
import type { OnnxGraphBuilder } from '../graph-builder.ts';

export type ActivationName =
  | 'linear'
  | 'relu'
  | 'tanh'
  | 'sigmoid'
  | 'hardSigmoid'
  | 'elu'
  | 'selu'
  | 'softplus'
  | 'swish'
  | 'gelu'
  /** tanh approximation, 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))): the training toolkit's 'gelu'. */
  | 'geluTanh'
  | 'softmax'
  | 'logSoftmax';

export function emitActivation(
  b: OnnxGraphBuilder,
  x: string,
  activation: ActivationName = 'linear',
): string {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return b.node('Relu', [x]);
    case 'tanh':
      return b.node('Tanh', [x]);
    case 'sigmoid':
      return b.node('Sigmoid', [x]);
    case 'hardSigmoid':
      // tfjs hardSigmoid is clip(0.2x + 0.5, 0, 1), ONNX's default alpha/beta.
      return b.node('HardSigmoid', [x], { alpha: { f: 0.2 }, beta: { f: 0.5 } });
    case 'elu':
      return b.node('Elu', [x], { alpha: { f: 1 } });
    case 'selu':
      return b.node('Selu', [x]);
    case 'softplus':
      return b.node('Softplus', [x]);
    case 'swish':
      return b.node('Mul', [x, b.node('Sigmoid', [x])]);
    case 'gelu': {
      // Exact (erf) GELU; the Gelu op only exists from opset 20.
      const scaled = b.node('Mul', [x, b.scalarFloat('inv_sqrt2', Math.SQRT1_2)]);
      const onePlusErf = b.node('Add', [b.node('Erf', [scaled]), b.scalarFloat('one', 1)]);
      return b.node('Mul', [b.node('Mul', [x, onePlusErf]), b.scalarFloat('half', 0.5)]);
    }
    case 'geluTanh': {
      const cube = b.node('Mul', [b.node('Mul', [x, x]), x]);
      const inner = b.node('Add', [x, b.node('Mul', [cube, b.scalarFloat('gelu_c', 0.044715)])]);
      const t = b.node('Tanh', [b.node('Mul', [inner, b.scalarFloat('sqrt_2_pi', Math.sqrt(2 / Math.PI))])]);
      const onePlus = b.node('Add', [t, b.scalarFloat('one', 1)]);
      return b.node('Mul', [b.node('Mul', [x, onePlus]), b.scalarFloat('half', 0.5)]);
    }
    case 'softmax':
      return b.node('Softmax', [x], { axis: { i: -1 } });
    case 'logSoftmax':
      return b.node('LogSoftmax', [x], { axis: { i: -1 } });
  }
}
