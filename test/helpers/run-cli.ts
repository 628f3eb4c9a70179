import { runCli } from '../../src/cli/program.js';

/** What a CLI run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process (no build needed) in `cwd`, without colour, with `stdin` as standard input. */
export async function runInProcess(args: readonly string[], options: { cwd: string; stdin?: string }): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    cwd: options.cwd,
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readStdin: () => Promise.resolve(options.stdin ?? ''),
    color: () => false,
    env: {},
  });
  return { code, stdout, stderr };
}
