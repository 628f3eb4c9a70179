import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fsReason } from '../load/fs-errors.js';

/**
 * Writes a file atomically: to a temporary file beside the target (same file system), flushed,
 * then renamed over it, so a crash never leaves a half-written file behind. Reports, baselines
 * and the files `--fix` changes are the only files rbaclint writes. `mode`: the permissions to
 * give the file exactly (default: 0666 less the umask, as any new file).
 */
export async function writeAtomically(file: string, content: string, mode?: number): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    // `wx`: never follow or reuse an existing file at the temporary name.
    const handle = await open(temp, 'wx', 0o666);
    try {
      await handle.writeFile(content, 'utf8');
      if (mode !== undefined) await handle.chmod(mode);
      // On disk before the rename, so not even a power loss leaves an empty or partial report.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw new Error(describeWriteError(file, error), { cause: error });
  }
}

/** Says what went wrong in terms of the target, never of the temporary file. */
function describeWriteError(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  // For a write, a missing path component means the target's directory is missing.
  if (code === 'ENOENT' || code === 'ENOTDIR') return `directory "${path.dirname(file)}" does not exist`;
  return fsReason(error);
}
