/** Public surface of the ONNX toolkit: build, export, import. */
export { DEFAULT_OPSET, type Dim, OnnxGraphBuilder } from './graph-builder.ts';
export { type ImportedModel, importOnnxBytes, importOnnxModel } from './import.ts';
export { type ActivationName, emitActivation } from './layers/activations.ts';
export { emitCachedSelfAttention, emitMultiHeadAttention } from './layers/attention.ts';
export { emitConv1D } from './layers/conv1d.ts';
export { emitDense } from './layers/dense.ts';
export { emitEmbedding } from './layers/embedding.ts';
export { emitGru } from './layers/gru.ts';
export { emitLayerNorm } from './layers/layer-norm.ts';
export { emitLstm } from './layers/lstm.ts';
export {
  buildSequentialModel,
  type LayerSpec,
  type SequentialIo,
  type SequentialSpec,
  stateInputName,
  stateOutputName,
} from './sequential.ts';
export { namedWeightsFromTfjs, setTfjsWeights } from './tfjs-weights.ts';
export { type NamedWeight, toWeightMap, weightsFromMap, weightsToMap } from './weights.ts';
export { MODEL_FILE, writeOnnxModel } from './write-model.ts';
