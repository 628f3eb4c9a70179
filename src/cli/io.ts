import { readStdin } from '../load/load.js';

/** Everything a command touches outside itself, so tests can run commands in-process. */
export interface Io {
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<string>;
  /** Whether to colour output, given the --color/--no-color flag when one was passed. */
  color(flag: boolean | undefined): boolean;
  env: NodeJS.ProcessEnv;
}

/** The real process. */
export function processIo(): Io {
  // A reader that goes away (`rbaclint … | head`) is not an error of ours: stop quietly.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  return {
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin,
    color: (flag) => resolveColor(flag, process.env, process.stdout.isTTY === true),
    env: process.env,
  };
}

/**
 * Colour decision: an explicit flag wins, then NO_COLOR (any non-empty value: off), then
 * FORCE_COLOR (on unless "0"), then whether stdout is a terminal.
 */
export function resolveColor(flag: boolean | undefined, env: NodeJS.ProcessEnv, isTty: boolean): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0';
  return isTty;
}
