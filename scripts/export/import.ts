/**
 * Reads a tolk-exported .onnx back into the neutral named weights in Keras/tfjs layout, so
 * fine-tuning starts from the shipped model. The `tolk.weights` metadata records how each
 * Keras weight became an initializer; replaying it backwards is exact (gate reordering,
 * transposes and reshapes only move values).
 */
import { readFile } from 'node:fs/promises';
import { WEIGHTS_METADATA_KEY, type WeightRecord } from './graph-builder.ts';
import { ELEM_TYPE, type ITensorProto, onnx, toNumber } from './onnx-proto.ts';
import { type SequentialSpec, SPEC_METADATA_KEY } from './sequential.ts';
import { invertTransform } from './weight-transforms.ts';
import type { NamedWeight } from './weights.ts';

export interface ImportedModel {
  weights: NamedWeight[];
  /** All metadata_props entries. */
  metadata: Record<string, string>;
  /** The layer description, when the model was exported with buildSequentialModel. */
  sequential: SequentialSpec | null;
  opset: number;
}

/** An initializer's float32 values (its own copy). */
export function floatData(t: ITensorProto): Float32Array {
  if (t.dataType !== ELEM_TYPE.float32) throw new Error(`initializer ${t.name} is not float32`);
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    // Copy into an aligned buffer: rawData is a view into the decoded file.
    const bytes = new Uint8Array(raw.length);
    bytes.set(raw);
    return new Float32Array(bytes.buffer);
  }
  return Float32Array.from(t.floatData ?? []);
}

export function importOnnxBytes(bytes: Uint8Array): ImportedModel {
  const model = onnx.ModelProto.decode(bytes);
  const metadata: Record<string, string> = {};
  for (const p of model.metadataProps ?? []) if (p.key) metadata[p.key] = p.value ?? '';
  const recordsJson = metadata[WEIGHTS_METADATA_KEY];
  if (!recordsJson) throw new Error(`not a tolk export: metadata ${WEIGHTS_METADATA_KEY} is missing`);
  const records = JSON.parse(recordsJson) as WeightRecord[];
  const inits = new Map((model.graph?.initializer ?? []).map((t) => [t.name ?? '', t]));
  const weights = records.map((r): NamedWeight => {
    const t = inits.get(r.initializer);
    if (!t) throw new Error(`initializer ${r.initializer} for weight ${r.name} is missing`);
    const dims = (t.dims ?? []).map(toNumber);
    const back = invertTransform({ data: floatData(t), shape: dims }, r.steps, r.shape);
    return { name: r.name, shape: back.shape, data: back.data };
  });
  const seq = metadata[SPEC_METADATA_KEY];
  const opset = toNumber((model.opsetImport ?? []).find((o) => !o.domain)?.version);
  return { weights, metadata, sequential: seq ? (JSON.parse(seq) as SequentialSpec) : null, opset };
}

export async function importOnnxModel(path: string): Promise<ImportedModel> {
  return importOnnxBytes(await readFile(path));
}
