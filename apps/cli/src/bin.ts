#!/usr/bin/env node
// The `hotline` executable: only process wiring; everything testable lives in main.ts.
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`hotline: internal error: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  },
);
