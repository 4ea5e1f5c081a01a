/**
 * A small builder for ONNX graphs: typed inputs/outputs with symbolic dims ('batch', 'time'),
 * Float32 initializers, constant helpers and one-line node emission. Layer emitters in
 * ./layers build on it; `toBytes()` gives a serialized ModelProto ready for model.onnx.
 */
import {
  ELEM_TYPE,
  type ElemType,
  type IAttributeProto,
  type INodeProto,
  type ITensorProto,
  type IValueInfoProto,
  type ModelProto,
  onnx,
} from './onnx-proto.ts';
import { applyTransform, type TransformStep } from './weight-transforms.ts';
import type { NamedWeight } from './weights.ts';

/** opset 17 is the first with LayerNormalization; onnxruntime-node 1.30 runs up to opset 23. */
export const DEFAULT_OPSET = 17;
/** IR version 8 is what opset 17 requires and the newest onnx-proto 8 (onnx 1.10) can name. */
export const IR_VERSION = 8;
export const WEIGHTS_METADATA_KEY = 'tolk.weights';
export const FORMAT_METADATA_KEY = 'tolk.format';
export const FORMAT_VERSION = 'tolk-onnx/1';

/** Symbolic dims are strings ('batch'), fixed dims are numbers. */
export type Dim = number | string;

/** Attribute values are tagged so ints and floats never get confused (1 vs 1.0). */
export type AttrValue =
  | { i: number }
  | { f: number }
  | { s: string }
  | { ints: number[] }
  | { floats: number[] }
  | { strings: string[] };

/** How one Keras weight became one ONNX initializer (stored as JSON in the metadata). */
export interface WeightRecord {
  name: string;
  initializer: string;
  shape: number[];
  steps: TransformStep[];
}

const { AttributeType } = onnx.AttributeProto;

function toAttribute(name: string, v: AttrValue): IAttributeProto {
  if ('i' in v) return { name, type: AttributeType.INT, i: v.i };
  if ('f' in v) return { name, type: AttributeType.FLOAT, f: v.f };
  if ('s' in v) return { name, type: AttributeType.STRING, s: new TextEncoder().encode(v.s) };
  if ('ints' in v) return { name, type: AttributeType.INTS, ints: v.ints };
  if ('floats' in v) return { name, type: AttributeType.FLOATS, floats: v.floats };
  return { name, type: AttributeType.STRINGS, strings: v.strings.map((s) => new TextEncoder().encode(s)) };
}

function valueInfo(name: string, elemType: ElemType, dims: readonly Dim[]): IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM_TYPE[elemType],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function littleEndianBytes(data: Float32Array | Int32Array | BigInt64Array): Uint8Array {
  // Copy so the initializer owns its bytes (the source may be a view into a larger buffer).
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

export class OnnxGraphBuilder {
  private readonly nodes: INodeProto[] = [];
  private readonly inputs: IValueInfoProto[] = [];
  private readonly outputs: IValueInfoProto[] = [];
  private readonly initializers: ITensorProto[] = [];
  private readonly records: WeightRecord[] = [];
  private readonly metadata = new Map<string, string>();
  private readonly used = new Set<string>();
  readonly opset: number;

  constructor(
    private readonly graphName = 'tolk',
    opts: { opset?: number } = {},
  ) {
    this.opset = opts.opset ?? DEFAULT_OPSET;
  }

  /** A fresh tensor name starting with `hint` (names must be unique in an ONNX graph). */
  uniqueName(hint: string): string {
    let name = hint;
    for (let k = 1; this.used.has(name); k++) name = `${hint}_${k}`;
    this.used.add(name);
    return name;
  }

  private claim(name: string): string {
    if (this.used.has(name)) throw new Error(`tensor name ${name} is already used`);
    this.used.add(name);
    return name;
  }

  input(name: string, elemType: ElemType, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(this.claim(name), elemType, dims));
    return name;
  }

  /** Declares graph output `name`, fed by tensor `from` (an Identity is added when they differ). */
  output(name: string, from: string, elemType: ElemType, dims: readonly Dim[]): string {
    if (from !== name)
      this.nodes.push({ opType: 'Identity', input: [from], output: [this.claim(name)], name });
    this.outputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** A raw constant tensor stored as an initializer. */
  constant(hint: string, data: Float32Array | Int32Array | BigInt64Array, dims: readonly number[]): string {
    const name = this.uniqueName(hint);
    const dataType =
      data instanceof Float32Array
        ? ELEM_TYPE.float32
        : data instanceof Int32Array
          ? ELEM_TYPE.int32
          : ELEM_TYPE.int64;
    this.initializers.push({ name, dims: [...dims], dataType, rawData: littleEndianBytes(data) });
    return name;
  }

  constInt64(hint: string, values: readonly number[]): string {
    return this.constant(hint, BigInt64Array.from(values.map(BigInt)), [values.length]);
  }

  scalarFloat(hint: string, value: number): string {
    return this.constant(hint, Float32Array.of(value), []);
  }

  /**
   * A Keras-layout weight converted by `steps` into an ONNX initializer. The initializer is
   * named after the Keras weight, and the steps are recorded so import can undo them.
   */
  weight(w: NamedWeight, steps: TransformStep[] = []): string {
    // A weight read twice (tied embeddings, K/V projected in two places) is stored once.
    const seen = this.records.find((r) => r.name === w.name);
    if (seen) {
      if (JSON.stringify(seen.steps) !== JSON.stringify(steps))
        throw new Error(`${w.name} used in two layouts`);
      return seen.initializer;
    }
    const t = applyTransform({ data: w.data, shape: w.shape }, steps);
    const name = this.claim(w.name);
    this.initializers.push({
      name,
      dims: t.shape,
      dataType: ELEM_TYPE.float32,
      rawData: littleEndianBytes(t.data),
    });
    this.records.push({ name: w.name, initializer: name, shape: [...w.shape], steps });
    return name;
  }

  hasWeight(name: string): boolean {
    return this.records.some((r) => r.name === name);
  }

  /** Emits one node; returns its output names (`outputs` of them, or '' for skipped ones). */
  nodeMulti(
    opType: string,
    inputs: readonly string[],
    attrs: Record<string, AttrValue> = {},
    outputs = 1,
  ): string[] {
    const nodeName = this.uniqueName(`${opType}_node`);
    const outs = Array.from({ length: outputs }, (_, k) => this.uniqueName(`${nodeName}_out${k}`));
    this.nodes.push({
      opType,
      name: nodeName,
      input: [...inputs],
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => toAttribute(k, v)),
    });
    return outs;
  }

  /** Emits one single-output node and returns its output name. */
  node(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}): string {
    return this.nodeMulti(opType, inputs, attrs, 1)[0];
  }

  setMetadata(key: string, value: string): void {
    this.metadata.set(key, value);
  }

  build(): ModelProto {
    const meta = new Map(this.metadata);
    meta.set(FORMAT_METADATA_KEY, FORMAT_VERSION);
    meta.set(WEIGHTS_METADATA_KEY, JSON.stringify(this.records));
    return onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'tolk',
      producerVersion: FORMAT_VERSION,
      opsetImport: [{ domain: '', version: this.opset }],
      metadataProps: [...meta].map(([key, value]) => ({ key, value })),
      graph: {
        name: this.graphName,
        node: this.nodes,
        input: this.inputs,
        output: this.outputs,
        initializer: this.initializers,
      },
    });
  }

  toBytes(): Uint8Array {
    return onnx.ModelProto.encode(this.build()).finish();
  }
}
