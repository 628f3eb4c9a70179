import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The `bin` of package.json, which the CLI tests spawn. */
export const BIN = path.join(root, 'dist/src/cli/main.js');

/** Newest modification time (ms) of the TypeScript sources that the build compiles. */
function newestSource(): number {
  let newest = statSync(path.join(root, 'package.json')).mtimeMs;
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  walk(path.join(root, 'src'));
  walk(path.join(root, 'rules'));
  return newest;
}

/**
 * Builds dist/ once per test run when it is missing or older than the sources, so that the CLI
 * tests spawn the code under test and not a stale build. Type errors in work in progress do not
 * stop the run (tsc still emits); a build that emits no CLI does.
 */
export default function setup(): void {
  if (existsSync(BIN) && statSync(BIN).mtimeMs >= newestSource()) return;
  const started = Date.now();
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    console.warn(`global-setup: tsc reported errors (the tests use what it emitted):\n${result.stdout}${result.stderr}`);
  }
  if (!existsSync(BIN)) throw new Error(`global-setup: the build did not produce ${BIN}`);
  console.log(`global-setup: built dist/ in ${Date.now() - started} ms`);
}
