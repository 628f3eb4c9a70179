#!/usr/bin/env node
// Entry point of the GitHub Action (action.yml `runs.main`, bundled to dist/action.js).
import { runAction } from './run.js';

try {
  process.exitCode = await runAction({ env: process.env, stdout: (text) => process.stdout.write(text) });
} catch (error) {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stdout.write(`::error::rbaclint: ${message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`);
  process.exitCode = 2;
}
