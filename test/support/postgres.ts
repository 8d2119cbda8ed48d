/**
 * PostgreSQL for tests: one migrated template database per test run, cloned
 * per test file (CREATE DATABASE … TEMPLATE is a file copy, far faster than migrating).
 */
import { randomBytes } from "node:crypto";
import { openDatabase } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(
  url: string,
  body: (query: (sql: string) => Promise<unknown>) => Promise<T>,
) {
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await body((sql) => client.query(sql));
  } finally {
    await client.end();
  }
}

export async function createTemplate(url: string): Promise<string> {
  const name = `synco_tpl_${randomBytes(4).toString("hex")}`;
  await admin(url, (q) => q(`CREATE DATABASE ${name}`));
  const handle = await openDatabase(withDatabase(url, name), { poolSize: 1 });
  await migrateToLatest(handle.db);
  await handle.close();
  return name;
}

export async function dropTemplate(url: string, name: string): Promise<void> {
  await admin(url, async (q) => {
    const res = (await q(
      `SELECT datname FROM pg_database WHERE datname = '${name}' OR datname LIKE '${name}_f%'`,
    )) as { rows: { datname: string }[] };
    for (const row of res.rows) await q(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`);
  });
}

/** A fresh database cloned from the template; returns its URL. */
export async function cloneTemplate(url: string, template: string): Promise<string> {
  const name = `${template}_f${randomBytes(5).toString("hex")}`;
  await admin(url, (q) => q(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  return withDatabase(url, name);
}

/** An empty database named after the template, so dropTemplate drops it too; returns its URL. */
export async function createEmpty(url: string, template: string): Promise<string> {
  const name = `${template}_f${randomBytes(5).toString("hex")}`;
  await admin(url, (q) => q(`CREATE DATABASE ${name}`));
  return withDatabase(url, name);
}
