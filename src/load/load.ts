import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { globby, isDynamicPattern } from 'globby';
import type { SourceText } from '../parse/types.js';

/** The display name of standard input in reports. */
export const STDIN_NAME = '<stdin>';

/** Extensions a directory is searched for. */
export const MANIFEST_EXTENSIONS = ['yaml', 'yml', 'json'] as const;

/** A path the user gave that could not be read; the other paths are still linted. */
export interface LoadError {
  path: string;
  message: string;
}

/** What loading produced: the texts to lint and the paths that failed. */
export interface Loaded {
  sources: SourceText[];
  errors: LoadError[];
}

/** Options of {@link loadPaths}. */
export interface LoadOptions {
  /** Working directory for relative paths and globs (default: `process.cwd()`). */
  cwd?: string;
  /** Reads standard input for `-` (injectable for tests). */
  readStdin?: () => Promise<string>;
  /** Name reported for stdin (default `<stdin>`). */
  stdinName?: string;
}

/**
 * Expands files, directories (recursively, `*.yaml|*.yml|*.json`, honouring `.gitignore`), globs
 * and `-` (stdin) into texts. Never throws for a bad path: it becomes a {@link LoadError}.
 * Files are returned once each, in a stable order (the order of the arguments, then by path).
 */
export async function loadPaths(inputs: readonly string[], options: LoadOptions = {}): Promise<Loaded> {
  const cwd = options.cwd ?? process.cwd();
  const errors: LoadError[] = [];
  const sources: SourceText[] = [];
  const seen = new Set<string>();

  const addFile = async (display: string): Promise<void> => {
    const key = path.resolve(cwd, display);
    if (seen.has(key)) return;
    seen.add(key);
    try {
      sources.push({ path: display, text: await readFile(key, 'utf8') });
    } catch (error) {
      errors.push({ path: display, message: describeFsError(display, error) });
    }
  };

  for (const input of inputs) {
    if (input === '-') {
      const read = options.readStdin ?? readStdin;
      sources.push({ path: options.stdinName ?? STDIN_NAME, text: await read() });
      continue;
    }
    const info = await stat(path.resolve(cwd, input)).catch(() => undefined);
    if (info?.isDirectory()) {
      const found = await globby(`**/*.{${MANIFEST_EXTENSIONS.join(',')}}`, {
        cwd: path.resolve(cwd, input),
        gitignore: true,
        dot: false,
        followSymbolicLinks: false,
      });
      if (found.length === 0) {
        errors.push({ path: input, message: `No *.yaml, *.yml or *.json files in directory "${input}"` });
      }
      for (const rel of found.sort()) await addFile(path.join(input, rel));
      continue;
    }
    if (info) {
      await addFile(input);
      continue;
    }
    if (isDynamicPattern(input)) {
      const found = await globby(input, { cwd, gitignore: true, onlyFiles: true });
      if (found.length === 0) {
        errors.push({ path: input, message: `No files match the pattern "${input}"; check it for typing mistakes` });
      }
      for (const file of found.sort()) await addFile(file);
      continue;
    }
    errors.push({ path: input, message: `Cannot read "${input}": no such file or directory` });
  }
  return { sources, errors };
}

function describeFsError(display: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `Cannot read "${display}": permission denied`;
    case 'EISDIR':
      return `Cannot read "${display}": it is a directory`;
    case 'ENOENT':
      return `Cannot read "${display}": no such file or directory`;
    case 'ELOOP':
      return `Cannot read "${display}": too many levels of symbolic links`;
    default:
      return `Cannot read "${display}": ${(error as Error).message}`;
  }
}

/** Reads all of standard input as UTF-8. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
