/**
 * The co-op's own moderation. Members block (no contact either way; a remote
 * actor hears Block, as from Mastodon) and mute (quietly hidden). Anyone reports
 * a post to the co-op's moderators (remote reports arrive as Flag; a report about
 * a remote post can be forwarded to its server as Flag from the co-op actor).
 * Moderators silence (hidden from public timelines) or suspend accounts (a
 * member: no login, content hidden; a remote actor: refused), set domain
 * policies (suspend = defederate, silence = limit), or run the node in
 * allow-list mode. Every moderator action is logged.
 */
import type { Kysely } from "kysely";
import { revokeCredentials } from "../accounts/sessions.ts";
import { recordEvent } from "../db/outbox.ts";
import type { DomainPoliciesTable } from "../db/schema/social.ts";
import type { Schema } from "../db/schema.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { newId } from "../kernel/ids.ts";
import { memberUri } from "../kernel/uris.ts";
import type { Member, SocialContext } from "./context.ts";
import { fileReport } from "./staff-notices.ts";

export type FederationMode = "open" | "allowlist";
const MODE_KEY = "social.federation_mode";

export async function federationMode(db: Kysely<Schema>): Promise<FederationMode> {
  const row = await db
    .selectFrom("settings")
    .select("value")
    .where("key", "=", MODE_KEY)
    .executeTakeFirst();
  return row?.value === "allowlist" ? "allowlist" : "open";
}

/** An actor a member or moderator acts on: a member here, or a known remote actor. */
export interface ActorTarget {
  uri: string;
  accountId: string | null;
  remoteId: string | null;
}

/** One line of the moderation log, written in the moderator's transaction. */
export interface LogEntry {
  at: Date;
  moderatorId: string | null;
  action: string;
  target: string;
  reason?: string;
}

export async function log(trx: Kysely<Schema>, entry: LogEntry) {
  await trx
    .insertInto("moderation_log")
    .values({
      id: newId(),
      moderator_id: entry.moderatorId,
      action: entry.action,
      target: entry.target,
      reason: (entry.reason ?? "").slice(0, 1000),
      created_at: entry.at.toISOString(),
    })
    .execute();
}

/** What the moderators' writes need: the database and the node's clock. */
type ModerationContext = Pick<SocialContext, "db" | "clock">;

/** Blocks or mutes an actor. A block also ends follows both ways and clears the feed of them. */
export async function filterActor(
  s: SocialContext,
  member: Member,
  target: ActorTarget,
  kind: "block" | "mute",
): Promise<Result<null, "self">> {
  const me = memberUri(s.origin, member.username);
  if (target.uri === me) return fail("self");
  await s.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("actor_filters")
      .values({
        account_id: member.id,
        target_uri: target.uri,
        kind,
        created_at: s.clock.now().toISOString(),
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await trx
      .deleteFrom("home_entries")
      .where("account_id", "=", member.id)
      .where("post_id", "in", (eb) =>
        eb.selectFrom("posts").select("id").where("author_uri", "=", target.uri),
      )
      .execute();
    if (kind === "block") {
      // Their follow of the member ends here; the member's follow of them is ended by the caller (Undo(Follow)).
      await trx
        .deleteFrom("follows")
        .where("follower_uri", "=", target.uri)
        .where("followee_uri", "=", me)
        .execute();
      if (target.remoteId)
        await recordEvent(trx, {
          type: "social.actor.blocked",
          payload: { accountId: member.id, targetRemoteId: target.remoteId },
        });
    }
  });
  return ok(null);
}

export async function unfilterActor(
  s: SocialContext,
  member: Member,
  targetUri: string,
  kind: "block" | "mute",
): Promise<boolean> {
  return s.db.transaction().execute(async (trx) => {
    const r = await trx
      .deleteFrom("actor_filters")
      .where("account_id", "=", member.id)
      .where("target_uri", "=", targetUri)
      .where("kind", "=", kind)
      .executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) return false;
    if (kind === "block") {
      const remote = await trx
        .selectFrom("remote_actors")
        .select("id")
        .where("uri", "=", targetUri)
        .executeTakeFirst();
      if (remote) {
        // The Undo must carry the Block as it was sent, with its id (GoToSocial and
        // Mastodon match the embedded Block by id): that of the latest social.actor.blocked event.
        const blocked = await trx
          .selectFrom("outbox_events")
          .select("id")
          .where("type", "=", "social.actor.blocked")
          .where(
            "payload",
            "=",
            JSON.stringify({ accountId: member.id, targetRemoteId: remote.id }),
          )
          .orderBy("id", "desc")
          .executeTakeFirst();
        await recordEvent(trx, {
          type: "social.actor.unblocked",
          payload: {
            accountId: member.id,
            targetRemoteId: remote.id,
            blockEventId: blocked?.id ?? null,
          },
        });
      }
    }
    return true;
  });
}

export function listFilters(db: Kysely<Schema>, accountId: string) {
  return db
    .selectFrom("actor_filters as f")
    .leftJoin("remote_actors as r", "r.uri", "f.target_uri")
    .select(["f.target_uri", "f.kind", "f.created_at", "r.handle"])
    .where("f.account_id", "=", accountId)
    .orderBy("f.created_at", "desc")
    .execute();
}

export const MAX_REPORT_COMMENT = 1000;

/** A member reports posts of an actor; `forward` sends it on to a remote author's server. */
export async function report(
  s: SocialContext,
  reporter: Member,
  input: { targetUri: string; postIds: string[]; comment: string; forward: boolean },
): Promise<Result<{ id: string; forwarded: boolean }, "bad-comment" | "not-found">> {
  if (!input.comment.trim() || input.comment.length > MAX_REPORT_COMMENT)
    return fail("bad-comment");
  // An account reported without posts (an app's report) is forwarded too, as Mastodon does.
  const remoteTarget = await s.db
    .selectFrom("remote_actors")
    .select("id")
    .where("uri", "=", input.targetUri)
    .executeTakeFirst();
  return s.db.transaction().execute(async (trx) => {
    const found = await trx
      .selectFrom("posts")
      .select(["id", "author_uri", "author_remote_id", "group_id"])
      .where("id", "in", input.postIds.length ? input.postIds : [""])
      .execute();
    if (
      found.length !== input.postIds.length ||
      found.some((p) => p.author_uri !== input.targetUri)
    )
      return fail("not-found" as const);
    const id = newId();
    const remote = !!remoteTarget || found.some((p) => p.author_remote_id);
    await fileReport(
      trx,
      {
        id,
        reporterAccountId: reporter.id,
        reporterUri: memberUri(s.origin, reporter.username),
        targetUri: input.targetUri,
        postIds: input.postIds,
        comment: input.comment.trim(),
        forwarded: input.forward && remote,
        groupId: reportedGroup(found),
      },
      s.clock,
    );
    if (input.forward && remote)
      await recordEvent(trx, { type: "social.report.forwarded", payload: { reportId: id } });
    return ok({ id, forwarded: input.forward && remote });
  });
}

/**
 * The group hosted here a report is about, when all its posts are in that group:
 * the group's moderators see it too (groups/reports.ts), besides the co-op's.
 */
function reportedGroup(posts: { group_id: string | null }[]): string | null {
  const groups = new Set(posts.map((p) => p.group_id));
  const [only] = groups;
  return groups.size === 1 && only ? only : null;
}

/** Flag from another server: about actors and posts here (or theirs, that we hold). */
export async function receiveReport(
  s: ModerationContext,
  input: {
    uri: string;
    reporterUri: string;
    targetUri: string;
    postIds: string[];
    comment: string;
  },
): Promise<boolean> {
  const { db } = s;
  const known = await db
    .selectFrom("reports")
    .select("id")
    .where("uri", "=", input.uri)
    .executeTakeFirst();
  if (known) return false;
  const postIds = input.postIds.slice(0, 20);
  const posts = postIds.length
    ? await db.selectFrom("posts").select("group_id").where("id", "in", postIds).execute()
    : [];
  await db.transaction().execute(async (trx) => {
    const reporter = await trx
      .selectFrom("remote_actors")
      .select("id")
      .where("uri", "=", input.reporterUri)
      .executeTakeFirst();
    await fileReport(
      trx,
      {
        id: newId(),
        reporterAccountId: null,
        reporterRemoteId: reporter?.id ?? null,
        reporterUri: input.reporterUri,
        targetUri: input.targetUri,
        postIds,
        comment: input.comment.slice(0, MAX_REPORT_COMMENT),
        groupId: reportedGroup(posts),
        uri: input.uri,
      },
      s.clock,
    );
  });
  return true;
}

export function openReports(db: Kysely<Schema>) {
  return db
    .selectFrom("reports")
    .selectAll()
    .where("status", "=", "open")
    .orderBy("id", "desc")
    .limit(100)
    .execute();
}

export async function resolveReport(
  s: ModerationContext,
  moderatorId: string,
  reportId: string,
): Promise<boolean> {
  const at = s.clock.now();
  return s.db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable("reports")
      .set({ status: "resolved", resolved_at: at.toISOString(), resolved_by: moderatorId })
      .where("id", "=", reportId)
      .where("status", "=", "open")
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return false;
    await log(trx, { at, moderatorId, action: "report.resolve", target: reportId });
    return true;
  });
}

export type LimitLevel = "silence" | "suspend" | null;

/**
 * Silences, suspends or restores an account. A member suspended cannot log in
 * (accounts.status) and their posts are hidden; a remote actor suspended is refused.
 */
export async function limitActor(
  s: ModerationContext,
  moderatorId: string,
  target: ActorTarget,
  level: LimitLevel,
  reason: string,
): Promise<Result<null, "not-allowed">> {
  const at = s.clock.now();
  return s.db.transaction().execute(async (trx) => {
    if (target.accountId) {
      const account = await trx
        .selectFrom("accounts")
        .select(["role", "status"])
        .where("id", "=", target.accountId)
        .executeTakeFirst();
      if (!account || account.role === "admin" || String(account.status) === "deleted")
        return fail("not-allowed" as const);
      const status = level === "suspend" ? "suspended" : "active";
      if (account.status === "active" || account.status === "suspended")
        await trx
          .updateTable("accounts")
          .set({ status })
          .where("id", "=", target.accountId)
          .execute();
      // Suspension logs the member out of the web and of every app, in this transaction.
      if (level === "suspend") await revokeCredentials(trx, target.accountId, { now: at });
    }
    await trx.deleteFrom("actor_limits").where("actor_uri", "=", target.uri).execute();
    if (level)
      await trx
        .insertInto("actor_limits")
        .values({ actor_uri: target.uri, level, created_at: at.toISOString() })
        .execute();
    if (level === "suspend" && target.remoteId) {
      await trx
        .deleteFrom("follows")
        .where((eb) =>
          eb.or([
            eb("follower_remote_id", "=", target.remoteId),
            eb("followee_remote_id", "=", target.remoteId),
          ]),
        )
        .execute();
    }
    const action = level ? `account.${level}` : "account.restore";
    await log(trx, { at, moderatorId, action, target: target.uri, reason });
    return ok(null);
  });
}

export function actorLimits(db: Kysely<Schema>) {
  return db.selectFrom("actor_limits").selectAll().orderBy("created_at", "desc").execute();
}

/** Is this actor refused (suspended itself)? */
export async function isSuspendedActor(db: Kysely<Schema>, uri: string): Promise<boolean> {
  const row = await db
    .selectFrom("actor_limits")
    .select("level")
    .where("actor_uri", "=", uri)
    .executeTakeFirst();
  return row?.level === "suspend";
}

export const domainPattern =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:\d{1,5})?$/;

/** Sets (or with null, removes) a domain's policy; suspending one ends every follow with it. */
export async function setDomainPolicy(
  s: ModerationContext,
  moderatorId: string,
  domain: string,
  policy: DomainPoliciesTable["policy"] | null,
  reason: string,
): Promise<Result<null, "bad-domain">> {
  const d = domain.trim().toLowerCase();
  if (!domainPattern.test(d)) return fail("bad-domain");
  const at = s.clock.now();
  await s.db.transaction().execute(async (trx) => {
    await trx.deleteFrom("domain_policies").where("domain", "=", d).execute();
    if (policy)
      await trx
        .insertInto("domain_policies")
        .values({
          domain: d,
          policy,
          reason: reason.slice(0, 1000),
          created_at: at.toISOString(),
        })
        .execute();
    if (policy === "suspend") {
      const actors = trx
        .selectFrom("remote_actors")
        .select("id")
        .where((eb) => eb.or([eb("host", "=", d), eb("host", "like", `${d}:%`)]));
      await trx
        .deleteFrom("follows")
        .where((eb) =>
          eb.or([eb("follower_remote_id", "in", actors), eb("followee_remote_id", "in", actors)]),
        )
        .execute();
    }
    const action = policy ? `domain.${policy}` : "domain.remove";
    await log(trx, { at, moderatorId, action, target: d, reason });
  });
  return ok(null);
}

export function domainPolicies(db: Kysely<Schema>) {
  return db.selectFrom("domain_policies").selectAll().orderBy("domain").execute();
}

export async function setFederationMode(
  s: ModerationContext,
  moderatorId: string,
  mode: FederationMode,
): Promise<void> {
  const at = s.clock.now();
  await s.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("settings")
      .values({ key: MODE_KEY, value: mode })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: mode }))
      .execute();
    if (mode === "allowlist") {
      // Follows with servers not on the list end at once, so nothing more is delivered to them.
      const allowed = trx
        .selectFrom("domain_policies")
        .select("domain")
        .where("policy", "=", "allow");
      const actors = trx.selectFrom("remote_actors").select("id").where("host", "not in", allowed);
      await trx
        .deleteFrom("follows")
        .where((eb) =>
          eb.or([eb("follower_remote_id", "in", actors), eb("followee_remote_id", "in", actors)]),
        )
        .execute();
    }
    await log(trx, { at, moderatorId, action: `federation.${mode}`, target: "node" });
  });
}

export function moderationLog(db: Kysely<Schema>, maxId?: string) {
  return db
    .selectFrom("moderation_log as l")
    .leftJoin("accounts as a", "a.id", "l.moderator_id")
    .select(["l.id", "l.action", "l.target", "l.reason", "l.created_at", "a.username"])
    .$if(maxId !== undefined, (q) => q.where("l.id", "<", maxId as string))
    .orderBy("l.id", "desc")
    .limit(51)
    .execute();
}
