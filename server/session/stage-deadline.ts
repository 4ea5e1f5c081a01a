/** A stage call with a deadline, so one stuck recognizer or synthesizer cannot hold a session. */
import { PipelineError, type StageName } from '../errors.ts';

export async function withStageDeadline<T>(
  stage: StageName,
  ms: number,
  label: string,
  call: () => Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new PipelineError('timeout', stage, { message: `${label}: no answer within ${ms} ms` })),
      ms,
    );
  });
  try {
    return await Promise.race([call(), expired]);
  } finally {
    clearTimeout(timer);
  }
}
