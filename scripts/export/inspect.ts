/**
 * Prints what a .onnx file holds: opset, graph inputs/outputs with their dims, node counts by
 * operator, tolk metadata and the Keras weights import would return.
 *   npx tsx scripts/export/inspect.ts models/<id>/model.onnx
 */
import { readFile } from 'node:fs/promises';
import { WEIGHTS_METADATA_KEY, type WeightRecord } from './graph-builder.ts';
import { type IValueInfoProto, onnx, toNumber } from './onnx-proto.ts';

const ELEM_NAMES: Record<number, string> = { 1: 'float32', 6: 'int32', 7: 'int64', 9: 'bool' };

function describeValue(v: IValueInfoProto): string {
  const t = v.type?.tensorType;
  const dims = (t?.shape?.dim ?? []).map((d) => d.dimParam || String(toNumber(d.dimValue)));
  return `${v.name}: ${ELEM_NAMES[t?.elemType ?? 0] ?? `type ${t?.elemType}`} [${dims.join(', ')}]`;
}

export function describeOnnx(bytes: Uint8Array): string {
  const m = onnx.ModelProto.decode(bytes);
  const g = m.graph;
  const lines = [
    `ir ${toNumber(m.irVersion)}, opset ${(m.opsetImport ?? []).map((o) => `${o.domain || 'ai.onnx'}:${toNumber(o.version)}`).join(' ')}, producer ${m.producerName ?? '?'} ${m.producerVersion ?? ''}`,
    'inputs:',
    ...(g?.input ?? []).map((v) => `  ${describeValue(v)}`),
    'outputs:',
    ...(g?.output ?? []).map((v) => `  ${describeValue(v)}`),
  ];
  const ops = new Map<string, number>();
  for (const n of g?.node ?? []) ops.set(n.opType ?? '?', (ops.get(n.opType ?? '?') ?? 0) + 1);
  lines.push(`nodes: ${[...ops].map(([k, v]) => `${k}×${v}`).join(' ')}`);
  for (const p of m.metadataProps ?? []) {
    if (p.key === WEIGHTS_METADATA_KEY) {
      const records = JSON.parse(p.value ?? '[]') as WeightRecord[];
      const params = records.reduce((n, r) => n + r.shape.reduce((a, b) => a * b, 1), 0);
      lines.push(`weights: ${records.length} tensors, ${params} parameters`);
      for (const r of records)
        lines.push(
          `  ${r.name} [${r.shape.join(', ')}]${r.steps.length ? ` (${r.steps.map((s) => s.op).join('→')})` : ''}`,
        );
    } else {
      const v = p.value ?? '';
      lines.push(`metadata ${p.key}: ${v.length > 200 ? `${v.slice(0, 200)}…` : v}`);
    }
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = process.argv[2];
  if (!path) {
    console.error('usage: tsx scripts/export/inspect.ts <model.onnx>');
    process.exit(2);
  }
  console.log(describeOnnx(await readFile(path)));
}
