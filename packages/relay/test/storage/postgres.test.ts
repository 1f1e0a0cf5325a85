/** The storage conformance suite on PostgreSQL: a database of its own per test (postgres-databases.ts). */
import { test } from 'node:test';
import { storageConformance } from './conformance.js';
import { freshPostgresDatabase, postgresUnavailable } from './postgres-databases.js';

const unavailable = await postgresUnavailable();
if (unavailable !== undefined) test(`storage conformance: postgres (skipped: ${unavailable})`, { skip: true }, () => {});
else storageConformance({ name: 'postgres', fresh: freshPostgresDatabase });
