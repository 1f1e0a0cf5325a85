#!/usr/bin/env node
// The `hotline` on PATH (node_modules/.bin/hotline, npx hotline). It is committed, not built,
// because npm links a workspace's bin only if the file exists at install time, and npm ci
// installs and links before it runs the root `prepare` script (tsc -b) that builds dist/.
// Running in this process (an import, not a child) keeps SIGINT/SIGTERM going to the server.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/src/bin.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('hotline: not built yet: run npm run build (npm ci builds too)');
  process.exit(1);
}
await import(cli.href);
