/** Keras Embedding: int ids [batch, time] → [batch, time, dim] via Gather on the table rows. */
import type { OnnxGraphBuilder } from '../graph-builder.ts';
import { requireWeight, type WeightMap } from '../weights.ts';

export interface EmbeddingSpec {
  /** Weight `<name>/embeddings` [vocab, dim]. */
  name: string;
}

export function emitEmbedding(
  b: OnnxGraphBuilder,
  ids: string,
  spec: EmbeddingSpec,
  weights: WeightMap,
): string {
  const table = requireWeight(weights, `${spec.name}/embeddings`);
  if (table.shape.length !== 2) throw new Error(`${spec.name}/embeddings must be [vocab, dim]`);
  return b.node('Gather', [b.weight(table), ids], { axis: { i: 0 } });
}
