/**
 * The co-op's domain policy, checked in the inbox and before delivery: a
 * suspended domain is refused both ways; in allow-list mode only listed
 * ("allow") domains federate (Mastodon's LIMITED_FEDERATION_MODE).
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import { federationMode } from "../../social/moderation.ts";

/** host[:port] of a URL, lower-cased, as domain policies are written. */
export const hostOf = (url: string | URL) => new URL(url).host.toLowerCase();

async function policyFor(db: Kysely<Schema>, host: string) {
  const bare = host.replace(/:\d+$/, "");
  const rows = await db
    .selectFrom("domain_policies")
    .select(["domain", "policy"])
    .where("domain", "in", [host, bare])
    .execute();
  return rows.find((r) => r.domain === host)?.policy ?? rows[0]?.policy ?? null;
}

export async function allowsDelivery(db: Kysely<Schema>, host: string): Promise<boolean> {
  return allowsFederation(db, host.toLowerCase());
}

export async function allowsFederation(db: Kysely<Schema>, host: string): Promise<boolean> {
  const policy = await policyFor(db, host);
  if (policy === "suspend") return false;
  if ((await federationMode(db)) === "allowlist") return policy === "allow";
  return true;
}
