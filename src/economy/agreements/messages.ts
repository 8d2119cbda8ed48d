/**
 * The agreement's thread: messages between its two parties only (not public,
 * not the social timeline). A party here writes (federated to the other party
 * as a direct Note whose `context` is the agreement); the other party's node
 * keeps what arrives. Any member may report a message they can see; a
 * moderator hides it.
 */
import { recordEvent } from "../../db/outbox.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { MAX_REPORT_COMMENT } from "../../social/moderation.ts";
import { fileReport } from "../../social/staff-notices.ts";
import { type Acting, type AgreementsContext, agreementMessageUri, canActAs } from "./context.ts";
import { canTalk, MAX_MESSAGE } from "./rules.ts";

export type MessageProblem =
  | "agreement-not-found"
  | "not-allowed"
  | "closed"
  | "bad-body"
  | "duplicate"
  | "bad-comment";

export async function postMessage(
  ctx: AgreementsContext,
  acting: Acting,
  input: { agreementId: string; body: string },
): Promise<Result<{ id: string }, MessageProblem>> {
  const body = input.body.trim();
  if (!body || body.length > MAX_MESSAGE) return fail("bad-body");
  if (!canActAs(ctx.origin, acting)) return fail("not-allowed");
  const now = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const a = await trx
      .selectFrom("econ_agreements")
      .select(["id", "status", "proposer_uri", "responder_uri"])
      .where("id", "=", input.agreementId)
      .executeTakeFirst();
    if (!a) return fail("agreement-not-found");
    if (acting.agentUri !== a.proposer_uri && acting.agentUri !== a.responder_uri)
      return fail("not-allowed");
    if (!canTalk(a.status)) return fail("closed");
    const id = newId();
    await trx
      .insertInto("econ_messages")
      .values({
        id,
        uri: agreementMessageUri(ctx.origin, id),
        agreement_id: a.id,
        author_uri: acting.agentUri,
        account_id: acting.accountId,
        body,
        created_at: now,
        hidden: 0,
      })
      .execute();
    await recordEvent(trx, {
      type: "economy.message.posted",
      payload: { agreementId: a.id, messageId: id },
    });
    return ok({ id });
  });
}

/** A message from the other party's node, for the agreement its `context` names. */
export async function receiveMessage(
  ctx: AgreementsContext,
  input: { uri: string; agreementUri: string; authorUri: string; body: string; published: string },
): Promise<Result<{ id: string }, MessageProblem>> {
  const body = input.body.trim().slice(0, MAX_MESSAGE);
  if (!body) return fail("bad-body");
  return ctx.db.transaction().execute(async (trx) => {
    const a = await trx
      .selectFrom("econ_agreements")
      .select(["id", "proposer_uri", "responder_uri"])
      .where("uri", "=", input.agreementUri)
      .executeTakeFirst();
    if (!a) return fail("agreement-not-found");
    if (input.authorUri !== a.proposer_uri && input.authorUri !== a.responder_uri)
      return fail("not-allowed");
    const seen = await trx
      .selectFrom("econ_messages")
      .select("id")
      .where("uri", "=", input.uri)
      .executeTakeFirst();
    if (seen) return fail("duplicate");
    const id = newId();
    await trx
      .insertInto("econ_messages")
      .values({
        id,
        uri: input.uri,
        agreement_id: a.id,
        author_uri: input.authorUri,
        account_id: null,
        body,
        created_at: input.published,
        hidden: 0,
      })
      .execute();
    return ok({ id });
  });
}

/** A member who can see the thread reports a message to the co-op's moderators. */
export async function reportMessage(
  ctx: AgreementsContext,
  reporter: { accountId: string; uri: string },
  input: { messageId: string; comment: string },
): Promise<Result<{ id: string }, MessageProblem>> {
  const comment = input.comment.trim();
  if (!comment || comment.length > MAX_REPORT_COMMENT) return fail("bad-comment");
  const m = await ctx.db
    .selectFrom("econ_messages")
    .select(["uri", "author_uri"])
    .where("id", "=", input.messageId)
    .executeTakeFirst();
  if (!m) return fail("agreement-not-found");
  const id = newId();
  await ctx.db.transaction().execute((trx) =>
    fileReport(
      trx,
      {
        id,
        reporterAccountId: reporter.accountId,
        reporterUri: reporter.uri,
        targetUri: m.uri,
        comment: `${comment}\n— ${m.author_uri}`,
        groupId: null,
      },
      ctx.clock,
    ),
  );
  return ok({ id });
}

/** A moderator hides (or shows again) a reported message; its reports are resolved. */
export async function hideMessage(
  ctx: AgreementsContext,
  moderator: { role: string; uri: string },
  input: { messageId: string; hidden: boolean },
): Promise<Result<{ id: string }, MessageProblem>> {
  if (moderator.role === "member") return fail("not-allowed");
  const at = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const m = await trx
      .selectFrom("econ_messages")
      .select(["id", "uri"])
      .where("id", "=", input.messageId)
      .executeTakeFirst();
    if (!m) return fail("agreement-not-found");
    await trx
      .updateTable("econ_messages")
      .set({ hidden: input.hidden ? 1 : 0 })
      .where("id", "=", m.id)
      .execute();
    await trx
      .updateTable("reports")
      .set({ status: "resolved", resolved_at: at, resolved_by: moderator.uri })
      .where("target_uri", "=", m.uri)
      .where("status", "=", "open")
      .execute();
    return ok({ id: m.id });
  });
}
