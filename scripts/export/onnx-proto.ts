/**
 * ESM entry to the generated ONNX protobuf classes (onnx-proto is a CommonJS protobufjs
 * static module). Everything in scripts/export reads and writes ModelProto through here.
 */
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type IModelProto = onnxProto.onnx.IModelProto;
export type ModelProto = onnxProto.onnx.ModelProto;
export type IGraphProto = onnxProto.onnx.IGraphProto;
export type INodeProto = onnxProto.onnx.INodeProto;
export type ITensorProto = onnxProto.onnx.ITensorProto;
export type IAttributeProto = onnxProto.onnx.IAttributeProto;
export type IValueInfoProto = onnxProto.onnx.IValueInfoProto;

/** ONNX TensorProto.DataType codes for the element types tolk graphs use. */
export const ELEM_TYPE = { float32: 1, int32: 6, int64: 7, bool: 9 } as const;
export type ElemType = keyof typeof ELEM_TYPE;

/** protobufjs returns int64 fields as number or Long depending on what is installed. */
export function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v == null) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}
