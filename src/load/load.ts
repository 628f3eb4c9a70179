import { isUtf8 } from 'node:buffer';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { fsReason } from './fs-errors.js';
import { MAX_SOURCE_BYTES } from '../parse/parse.js';
import type { SourceText } from '../parse/types.js';

/** The display name of standard input in reports. */
export const STDIN_NAME = '<stdin>';

/** Extensions a directory is searched for. */
export const MANIFEST_EXTENSIONS = ['yaml', 'yml', 'json'] as const;

/** Characters that make an argument a glob pattern rather than a path (as fast-glob's isDynamicPattern). */
const GLOB_CHARS = /[*?[\]{}()!]/;

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
  /**
   * Largest file read, in bytes (default: the parser's limit, {@link MAX_SOURCE_BYTES}); a larger
   * file is not read and reaches the parser as its size only. Context files (cluster dumps) are
   * read up to the parser's `MAX_CONTEXT_BYTES`, for its value path.
   */
  maxBytes?: number;
}

/**
 * Expands files, directories (recursively, `*.yaml|*.yml|*.json`, honouring `.gitignore`), globs
 * and `-` (stdin) into texts. Never throws for a bad path: it becomes a {@link LoadError}.
 * Files are returned once each, in a stable order (the order of the arguments, then by path).
 */
export async function loadPaths(inputs: readonly string[], options: LoadOptions = {}): Promise<Loaded> {
  const cwd = options.cwd ?? process.cwd();
  /** What each input gave, in order: files to read, stdin's text, or an error. */
  const found: ({ file: string } | { source: SourceText } | { error: LoadError })[] = [];
  const seen = new Set<string>();
  const addFile = (display: string): void => {
    const key = path.resolve(cwd, display);
    if (seen.has(key)) return;
    seen.add(key);
    found.push({ file: display });
  };
  const addError = (input: string, message: string): void => void found.push({ error: { path: input, message } });

  for (const input of inputs) {
    if (input === '-') {
      const read = options.readStdin ?? readStdin;
      // An empty stdin is an empty stream: no objects, no findings (as kubectl apply -f - with no input).
      found.push({ source: { path: options.stdinName ?? STDIN_NAME, text: await read() } });
      continue;
    }
    let statError: unknown;
    const info = await stat(path.resolve(cwd, input)).catch((error: unknown) => {
      statError = error;
      return undefined;
    });
    if (info?.isDirectory()) {
      const { globby } = await import('globby');
      const files = await globby(`**/*.{${MANIFEST_EXTENSIONS.join(',')}}`, {
        cwd: path.resolve(cwd, input),
        gitignore: true,
        dot: false,
        followSymbolicLinks: false,
      });
      if (files.length === 0) addError(input, `No *.yaml, *.yml or *.json files in directory "${input}"`);
      for (const rel of files.sort()) addFile(path.join(input, rel));
      continue;
    }
    if (info) {
      addFile(input);
      continue;
    }
    if (GLOB_CHARS.test(input)) {
      // globby is loaded only when needed: it is a third of the CLI's start-up time.
      const { globby } = await import('globby');
      const files = await globby(input, { cwd, gitignore: true, onlyFiles: true });
      if (files.length === 0) addError(input, `No files match the pattern "${input}"; check it for typing mistakes`);
      for (const file of files.sort()) addFile(file);
      continue;
    }
    const code = (statError as NodeJS.ErrnoException | undefined)?.code;
    if (code !== undefined && code !== 'ENOENT') {
      // A symbolic link loop, a path through a file, an unreadable directory: say which.
      addError(input, describeFsError(input, statError));
      continue;
    }
    addError(input, `Cannot read "${input}": no such file or directory; check the path for typing mistakes`);
  }

  // Files are read a few at a time (one after the other, hundreds of small files wait on I/O).
  const read = await mapConcurrently(found, READ_CONCURRENCY, async (entry) => {
    if (!('file' in entry)) return entry;
    const display = entry.file;
    try {
      return { source: { path: display, ...(await readSource(path.resolve(cwd, display), options.maxBytes ?? MAX_SOURCE_BYTES)) } };
    } catch (error) {
      return { error: { path: display, message: describeFsError(display, error) } };
    }
  });
  const sources: SourceText[] = [];
  const errors: LoadError[] = [];
  for (const entry of read) {
    if ('source' in entry) sources.push(entry.source);
    else errors.push(entry.error);
  }
  return { sources, errors };
}

/** Files read at the same time. */
const READ_CONCURRENCY = 16;

/** `items.map(fn)` with at most `limit` calls pending at once; results in the order of `items`. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The message for a file that could not be read, naming it and the reason. */
export function describeFsError(display: string, error: unknown): string {
  return `Cannot read "${display}": ${fsReason(error)}`;
}

/**
 * Reads a file into a source: files larger than the parser's limit are not read (only their size
 * is kept), and the bytes are decoded as {@link decodeSource} does.
 */
async function readSource(file: string, maxBytes: number): Promise<Omit<SourceText, 'path'>> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) return { text: '', byteLength: size };
    return decodeSource(await handle.readFile());
  } finally {
    await handle.close();
  }
}

/**
 * Decodes a manifest's bytes as kubectl does: UTF-8 (a byte order mark is dropped by the parser),
 * or UTF-16 when a UTF-16 byte order mark says so. Invalid UTF-8 is reported, not guessed at: its
 * offset is where the text stops being valid.
 */
export function decodeSource(bytes: Uint8Array): Omit<SourceText, 'path'> {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)) };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)) };
  // Decoded natively (several times faster than a fatal TextDecoder on a large dump): without a
  // replacement character the bytes were valid UTF-8. Its byte order mark is dropped, as the
  // TextDecoder does.
  const decoded = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (!decoded.includes('\ufffd') || isUtf8(bytes)) return { text: decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const text = new TextDecoder('utf-8').decode(bytes);
    const nul = text.indexOf('\u0000');
    const bad = text.indexOf('\uFFFD');
    const offset = nul >= 0 && nul < bad ? nul : bad;
    const message =
      nul >= 0 && nul < bad
        ? 'Binary data (a NUL byte): this is not a YAML or JSON text'
        : 'Invalid UTF-8: this is not a UTF-8 (or UTF-16 with a byte order mark) text';
    return { text, problem: { message, offset: Math.max(0, offset) } };
  }
}

/** Reads all of standard input, decoded as {@link decodeSource} does (problems are left to the parser). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return decodeSource(Buffer.concat(chunks)).text;
}
