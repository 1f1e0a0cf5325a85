/**
 * Databases of their own for tests on PostgreSQL: the machine's server (127.0.0.1:5432, or
 * HOTLINE_TEST_POSTGRES: a URL whose database the tests may connect to in order to create
 * others). Each fresh database is named hotline_storage_<random> and dropped afterwards; no
 * other database is touched. Without a reachable server, tests on PostgreSQL are skipped —
 * except under CI, where the server is part of the machine and its absence is a failure.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

const admin = process.env['HOTLINE_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why tests on PostgreSQL cannot run here, or undefined when they can (or must: CI). */
export async function postgresUnavailable(): Promise<string | undefined> {
  const sql = postgres(admin, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`SELECT 1`;
    return undefined;
  } catch (error) {
    return process.env['CI'] === undefined ? `no PostgreSQL at ${admin.replace(/:[^:@/]*@/, ':***@')}: ${(error as Error).message}` : undefined;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

async function onAdmin(statement: string): Promise<void> {
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(statement);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** A new empty database's URL, and how to drop it (closing whatever still uses it). */
export async function freshPostgresDatabase(): Promise<{ readonly url: string; remove(): Promise<void> }> {
  const name = `hotline_storage_${randomBytes(6).toString('hex')}`;
  await onAdmin(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), remove: () => onAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
