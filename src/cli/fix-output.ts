/**
 * `--fix` and `--fix-dry-run`: run the fixer, then write the fixed files or print the unified diff.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { LintResult } from '../engine/run.js';
import { fixSources } from '../fix/apply.js';
import { fsReason } from '../load/fs-errors.js';
import { decodeSource } from '../load/load.js';
import type { SourceText } from '../parse/types.js';
import { EXIT } from './exit-code.js';
import type { Io } from './io.js';
import { writeAtomically } from './output.js';

/** Options of {@link applyFixes}. */
export interface ApplyFixesOptions {
  isStdin: (file: string) => boolean;
  /** Print the diff instead of writing. */
  dryRun: boolean;
  /** With `dryRun`: write the diff to this file instead of stdout. */
  output?: string | undefined;
}

/**
 * Fixes the sources. With `dryRun`, prints the unified diff (git-apply compatible) and returns the
 * exit code: 1 when there is something to fix, 0 when not, 2 when the diff cannot be written.
 * Otherwise writes the fixed files and returns the lint result of what is now on disk.
 */
export async function applyFixes(
  sources: readonly SourceText[],
  lintOnce: (sources: readonly SourceText[]) => LintResult,
  options: ApplyFixesOptions,
  io: Io,
): Promise<number | { result: LintResult; sources: SourceText[] }> {
  const outcome = fixSources(sources, lintOnce, { isStdin: options.isStdin });
  for (const { file, reason, findings } of outcome.notFixed) {
    io.stderr(`rbaclint: ${file}: ${findings} fixable finding${findings === 1 ? '' : 's'} not fixed: ${reason}\n`);
  }
  const files = [...outcome.changed.keys()];

  if (options.dryRun) {
    const diff = files
      .map((file) => {
        const { before, after } = outcome.changed.get(file)!;
        const name = file.split(path.sep).join('/');
        return createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, undefined, undefined, { headerOptions: FILE_HEADERS_ONLY });
      })
      .join('');
    if (options.output !== undefined) {
      try {
        await writeAtomically(options.output, diff);
      } catch (error) {
        io.stderr(`rbaclint: cannot write the diff to "${options.output}": ${(error as Error).message}\n`);
        return EXIT.usage;
      }
    } else {
      io.stdout(diff);
    }
    io.stderr(
      files.length === 0
        ? 'rbaclint: nothing to fix\n'
        : `rbaclint: --fix would fix ${count(outcome.fixed, 'finding')} in ${count(files.length, 'file')}\n`,
    );
    return files.length === 0 ? EXIT.ok : EXIT.findings;
  }

  const failed = new Set<string>();
  for (const file of files) {
    const { before, after } = outcome.changed.get(file)!;
    const problem = await writeFixed(path.resolve(io.cwd, file), before, after);
    if (problem !== undefined) {
      failed.add(file);
      io.stderr(`rbaclint: ${file}: not fixed: ${problem}\n`);
    }
  }
  const written = files.filter((f) => !failed.has(f));
  if (written.length > 0) io.stderr(`rbaclint: fixed ${count(outcome.fixed, 'finding')} in ${written.join(', ')}\n`);
  if (failed.size === 0) return { result: outcome.result, sources: outcome.sources };
  // What is on disk: the files that could not be written keep their old text.
  const onDisk = outcome.sources.map((s) => (failed.has(s.path) ? { ...s, text: outcome.changed.get(s.path)!.before } : s));
  return { result: lintOnce(onDisk), sources: onDisk };
}

/**
 * Writes a fixed file in place of the one that was linted: only if it still holds the text that
 * was linted, keeping its byte order mark, mode and the file a symbolic link points to. Returns
 * why it was not written, or undefined.
 */
async function writeFixed(file: string, before: string, after: string): Promise<string | undefined> {
  let target: string;
  let bytes: Buffer;
  let mode: number;
  try {
    target = await realpath(file);
    bytes = await readFile(target);
    mode = (await stat(target)).mode & 0o7777;
  } catch (error) {
    return fsReason(error);
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return 'it is UTF-16; rbaclint only rewrites UTF-8 files';
  }
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  // The decoder drops a byte order mark; the parser would too.
  const text = decodeSource(bytes).text;
  if ((text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) !== before) return 'it changed while rbaclint ran; run rbaclint --fix again';
  try {
    await writeAtomically(target, `${bom ? '\uFEFF' : ''}${after}`, mode);
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
