/**
 * A federation asks its member co-ops (on the federation's node). A moderator
 * of the federation group puts a question (count, histogram or sum) to its
 * dataset; each member co-op gets a part, "waiting", and the relay sends the
 * question to every member co-op's node. If this node's own co-op is a member,
 * it answers its part here, over its own rows, like any other node. An
 * identical question in the same period is the same question (nothing asked
 * again). Parts come back through receivePart (parts.ts).
 */
import { recordEvent } from "../../db/outbox.ts";
import { findGroupById } from "../../groups/groups.ts";
import { canModerate, standingOf } from "../../groups/standing.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { coopUri, memberUri } from "../../kernel/uris.ts";
import type { CommonsContext, CommonsMember } from "../context.ts";
import { findDataset } from "../datasets.ts";
import {
  type CanonicalQuery,
  canonicalJson,
  canonicalQuery,
  periodOf,
  queryHash,
} from "../fields.ts";
import { queryDataset } from "../queries.ts";
import { askedInput } from "./answering.ts";
import { FEDERATED_MECHANISMS } from "./combine.ts";
import { receivePart } from "./parts.ts";

/** How long a question waits for its parts before they count as missing. */
export const ANSWER_WINDOW_MS = 24 * 3600_000;

export const federatedQueryUri = (origin: string, id: string) =>
  `${origin}/commons/federated/${id}`;

export type AskProblem = "not-found" | "forbidden" | "invalid" | "not-a-federation" | "no-members";

export async function askFederation(
  ctx: CommonsContext,
  member: CommonsMember,
  input: { datasetId: string; query: unknown },
): Promise<Result<{ id: string; reused: boolean }, AskProblem>> {
  const found = await findDataset(ctx.db, input.datasetId);
  if (!found || found.status === "hidden" || found.local !== 1) return fail("not-found");
  const group = found.group_id ? await findGroupById(ctx.db, found.group_id) : undefined;
  if (group?.kind !== "federation") return fail("not-a-federation");
  const q = canonicalQuery(found.fieldList, found, input.query);
  if (!q.ok || !(FEDERATED_MECHANISMS as readonly string[]).includes(q.value.mechanism))
    return fail("invalid");
  const asked = await ctx.db.transaction().execute(async (trx) => {
    const standing = await standingOf(trx, ctx.origin, group, member);
    if (standing.status !== "active" || !canModerate(standing.role)) return fail("forbidden");
    const now = ctx.clock.now();
    const period = periodOf(found.period, now);
    // Its own hash space: the same question asked of this node's rows alone is another release.
    const hash = queryHash(`${found.uri}#federated`, period, q.value);
    const same = await trx
      .selectFrom("commons_fed_queries")
      .select("id")
      .where("dataset_id", "=", found.id)
      .where("period", "=", period)
      .where("query_hash", "=", hash)
      .executeTakeFirst();
    if (same) return ok({ id: same.id, reused: true, local: false });
    const coops = await trx
      .selectFrom("group_members")
      .select("actor_uri")
      .where("group_id", "=", group.id)
      .where("actor_kind", "=", "coop")
      .where("status", "=", "active")
      .orderBy("actor_uri")
      .limit(1000)
      .execute();
    if (coops.length === 0) return fail("no-members");
    const id = newId();
    await trx
      .insertInto("commons_fed_queries")
      .values({
        id,
        uri: federatedQueryUri(ctx.origin, id),
        dataset_id: found.id,
        period,
        query: canonicalJson(q.value),
        query_hash: hash,
        rho: q.value.rho,
        status: "collecting",
        release_id: null,
        asked_by_uri: memberUri(ctx.origin, member.username),
        created_at: now.toISOString(),
        closes_at: new Date(now.getTime() + ANSWER_WINDOW_MS).toISOString(),
        published_at: null,
      })
      .execute();
    await trx
      .insertInto("commons_fed_parts")
      .values(
        coops.map((c) => ({ query_id: id, coop_uri: c.actor_uri, status: "waiting" as const })),
      )
      .execute();
    await recordEvent(trx, { type: "commons.federated-query.asked", payload: { queryId: id } });
    return ok({ id, reused: false, local: coops.some((c) => c.actor_uri === coopUri(ctx.origin)) });
  });
  if (!asked.ok) return asked;
  if (asked.value.local) await answerHere(ctx, asked.value.id, found.id, found.group_uri, q.value);
  return ok({ id: asked.value.id, reused: asked.value.reused });
}

/** This node's co-op answers its own part over the rows given here, as a member node would. */
async function answerHere(
  ctx: CommonsContext,
  queryId: string,
  datasetId: string,
  groupUri: string,
  query: CanonicalQuery,
): Promise<void> {
  const answered = await queryDataset(
    ctx,
    { uri: groupUri },
    { datasetId, query: askedInput(query) },
  );
  const release = answered.ok
    ? await ctx.db
        .selectFrom("commons_releases")
        .select(["uri", "body", "signature", "key_id"])
        .where("id", "=", answered.value.releaseId)
        .executeTakeFirst()
    : undefined;
  await receivePart(ctx, {
    queryUri: federatedQueryUri(ctx.origin, queryId),
    coopUri: coopUri(ctx.origin),
    answerUri: null,
    ...(release
      ? {
          outcome: "released",
          release: {
            uri: release.uri,
            body: release.body,
            signature: release.signature,
            keyId: release.key_id,
          },
        }
      : { outcome: "refused", reason: answered.ok ? "not-found" : answered.reason }),
  });
}
