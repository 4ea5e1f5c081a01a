/** scripts/export/inspect.ts describes I/O, operators and weights of an exported model. */
import { describe, expect, it } from 'vitest';
import { describeOnnx } from '../../scripts/export/inspect.ts';
import { buildSequentialModel } from '../../scripts/export/sequential.ts';
import { randomArray } from './helpers.ts';

describe('inspect', () => {
  it('lists inputs, outputs, nodes and weights', () => {
    const { bytes } = buildSequentialModel(
      { inputFeatures: 3, layers: [{ type: 'lstm', name: 'l', recurrentActivation: 'sigmoid' }] },
      [
        { name: 'l/kernel', shape: [3, 8], data: randomArray(24, 1) },
        { name: 'l/recurrent_kernel', shape: [2, 8], data: randomArray(16, 2) },
        { name: 'l/bias', shape: [8], data: randomArray(8, 3) },
      ],
    );
    const text = describeOnnx(bytes);
    expect(text).toContain('ai.onnx:17');
    expect(text).toContain('input: float32 [batch, time, 3]');
    expect(text).toContain('state_c_in_0: float32 [batch, 2]');
    expect(text).toContain('state_h_out_0: float32 [batch, 2]');
    expect(text).toContain('LSTM×1');
    expect(text).toContain('weights: 3 tensors, 48 parameters');
    expect(text).toContain('l/kernel [3, 8] (reorder→transpose→reshape)');
  });
});
