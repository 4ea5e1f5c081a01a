/** Writes a built graph as `<dir>/model.onnx` (the file name every shipped model folder uses). */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const MODEL_FILE = 'model.onnx';

export async function writeOnnxModel(dir: string, bytes: Uint8Array, fileName = MODEL_FILE): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, fileName);
  await writeFile(path, bytes);
  return path;
}
