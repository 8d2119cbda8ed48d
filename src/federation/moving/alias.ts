/**
 * The actor id of an account a member names as one they move from: a member
 * here by address, or anyone else looked up (WebFinger or the URL). No Fedify
 * import here: the gateway loads it only when a look-up needs it.
 */
import type { Kysely } from "kysely";
import type { Config } from "../../config.ts";
import type { Schema } from "../../db/schema.ts";
import { memberUri } from "../../kernel/uris.ts";
import type { FederationGateway } from "../index.ts";

export async function aliasUri(
  deps: {
    db: Kysely<Schema>;
    config: Pick<Config, "origin" | "domain">;
    federation: FederationGateway;
  },
  query: string,
): Promise<string | null> {
  const q = query.trim().replace(/^@/, "");
  const domain = deps.config.domain.toLowerCase();
  if (q.toLowerCase().endsWith(`@${domain}`)) {
    const name = q.slice(0, -domain.length - 1);
    const row = await deps.db
      .selectFrom("accounts")
      .select("username")
      .where((eb) => eb(eb.fn("lower", ["username"]), "=", name.toLowerCase()))
      .where("status", "=", "active")
      .executeTakeFirst();
    return row ? memberUri(deps.config.origin, row.username) : null;
  }
  const actor = await deps.federation.lookup(q).catch(() => null);
  return actor && !actor.gone ? actor.uri : null;
}
