/** Runs an abortable call with a deadline, so no translation can hang a session. */
import { PipelineError } from '../../errors.ts';

export async function withDeadline<T>(
  ms: number,
  label: string,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new PipelineError('timeout', 'mt', { message: `${label}: no answer within ${ms} ms` });
      controller.abort(err);
      reject(err);
    }, ms);
  });
  try {
    return await Promise.race([run(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
