/** The storage conformance suite on PostgreSQL: a database of its own per test (postgres-databases.ts). */
import { test } from 'node:test';
import { storageConformance } from './conformance.js';
import postgres from 'postgres';
import { freshPostgresDatabase, postgresUnavailable } from './postgres-databases.js';

const unavailable = await postgresUnavailable();
if (unavailable !== undefined) test(`storage conformance: postgres (skipped: ${unavailable})`, { skip: true }, () => {});
else {
  storageConformance({
    name: 'postgres',
    fresh: freshPostgresDatabase,
    predateRevocationIndex: async (url) => {
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await sql`DROP INDEX log_revocation`;
      } finally {
        await sql.end({ timeout: 1 });
      }
    },
  });
}
