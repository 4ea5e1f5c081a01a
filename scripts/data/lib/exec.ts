/** Runs a child process without a shell (no quoting issues with sentence text). */
import { spawn } from 'node:child_process';

export function run(cmd: string, args: string[], opts: { input?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const hasInput = opts.input !== undefined;
    const child = spawn(cmd, args, { stdio: [hasInput ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => {
      stdout += d;
    });
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${cmd} ${args.slice(0, 6).join(' ')} … exited ${code}: ${stderr.slice(-400)}`));
    });
    if (hasInput && child.stdin) {
      child.stdin.on('error', () => {}); // the exit code reports the real failure
      child.stdin.end(opts.input);
    }
  });
}
