/** Why a file system call failed, in words, from its error code (the raw message otherwise). */
export function fsReason(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOENT':
      return 'no such file or directory';
    case 'ELOOP':
      return 'too many levels of symbolic links (a symbolic link loop?)';
    case 'ENOTDIR':
      return 'a component of the path is not a directory';
    default:
      return (error as Error).message;
  }
}
