/**
 * One statement sent on one PostgreSQL connection: named when its text has been
 * seen there before (postgres-statements.ts), run again unnamed when another
 * process's schema change staled its name. Built as a pg Query directly: pg's
 * `client.query({ … })` copies the config object property by property (3 % of a
 * page's CPU).
 */
import pg from "pg";
import type { StatementNames } from "./postgres-statements.ts";

function send(client: pg.Client, text: string, values: readonly unknown[], name?: string) {
  // pg's Query keeps these as plain fields (its types leave them out).
  const query = new pg.Query(text) as pg.Query & { values: readonly unknown[]; name?: string };
  query.values = values;
  if (name) query.name = name;
  return new Promise<pg.QueryResult>((resolve, reject) => {
    client.query(query as unknown as pg.QueryConfig, (error: Error, result: pg.QueryResult) =>
      error ? reject(error) : resolve(result),
    );
  });
}

/** Runs `text` on `client`; `transaction`: an error cannot be retried there (the transaction failed). */
export async function runStatement(
  client: pg.Client,
  names: StatementNames,
  text: string,
  values: readonly unknown[],
  transaction: boolean,
): Promise<pg.QueryResult> {
  const name = names.nameFor(text, values.length);
  let result: pg.QueryResult;
  try {
    result = await send(client, text, values, name);
  } catch (error) {
    if (name) names.failed(text, name);
    // Another process changed the schema under a statement of ours: its names are
    // forgotten (staleShape), and outside a transaction the query runs again,
    // parsed anew. Inside one, the transaction has failed: the error is the caller's.
    if (!names.staleShape(error) || transaction) throw error;
    result = await send(client, text, values);
  }
  names.afterRun(text);
  return result;
}
