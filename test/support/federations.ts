/** Co-ops on test nodes joining a federation hosted on another node. */
import assert from "node:assert/strict";
import { waitFor } from "../../src/federation/testing.ts";
import { joinFederation } from "../../src/groups/federations.ts";
import { socialOf, type TestNode } from "./node.ts";

/**
 * B's admin joins B's co-op to a federation hosted on A (`name@A`), and waits
 * until A accepts it. Returns the federation's actor URI.
 */
export async function joinFederationOn(
  a: TestNode,
  b: TestNode,
  admin: { id: string; username: string },
  name: string,
): Promise<string> {
  const actor = await b.node.federation.lookup(`${name}@${a.domain}`);
  assert.ok(actor);
  const joined = await joinFederation(socialOf(b), admin, {
    groupUri: actor.uri,
    remoteId: actor.id,
  });
  assert.ok(joined.ok);
  await waitFor(
    "the federation accepts the co-op",
    async () =>
      (
        await b.node.db.db
          .selectFrom("coop_affiliations")
          .select("status")
          .where("id", "=", joined.value.id)
          .executeTakeFirst()
      )?.status === "active",
    120_000,
  );
  return actor.uri;
}
