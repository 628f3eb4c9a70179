#!/usr/bin/env node
// `rbaclint --version` answers before the linter (commander, yaml, the rules) is even loaded.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const { pkg } = await import('../version.js');
  process.stdout.write(`${pkg.version}\n`);
} else {
  const [{ processIo }, { runCli }] = await Promise.all([import('./io.js'), import('./program.js')]);
  process.exitCode = await runCli(argv, processIo());
}
