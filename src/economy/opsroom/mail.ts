/**
 * Alarm mail (issue 21): the people who answer for a group's alarms get the
 * notice by mail as well — an alarm raised in their group, or an escalation
 * arriving at their federation — unless they asked for none (their setting,
 * `indicator_mail_optouts`), their address is not confirmed yet, or their
 * account is not active. The worker's sweep claims each notification in the
 * transaction that reads it (`indicator_mails`), and the mail goes after the
 * commit, as decisions' reminders do: a crash between the two loses that mail,
 * never sends it twice. Notices older than a day are not mailed (a node that
 * was down does not flood its people with stale alarms).
 */
import { getLogger } from "@logtape/logtape";
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import type { OpsroomContext } from "./context.ts";
import { alarmUri, escalationUri } from "./uris.ts";

const logger = getLogger(["synco", "opsroom", "mail"]);

/** Mails per sweep at most (the next sweep takes the rest). */
const BATCH = 100;
const DAY = 86_400_000;

/** One mail to send once its claim is committed. */
export interface AlarmMail {
  email: string;
  language: string;
  kind: "alarm" | "escalation";
  indicator: string;
  /** The alarm's (or escalation's) page. */
  url: string;
}

/** Does this member want alarm mail (no opt-out)? */
export async function wantsAlarmMail(db: Kysely<Schema>, accountId: string): Promise<boolean> {
  const row = await db
    .selectFrom("indicator_mail_optouts")
    .select("account_id")
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  return !row;
}

/** The member's setting: alarm mail on or off. */
export async function setAlarmMail(
  ctx: OpsroomContext,
  accountId: string,
  on: boolean,
): Promise<void> {
  if (on) {
    await ctx.db.deleteFrom("indicator_mail_optouts").where("account_id", "=", accountId).execute();
    return;
  }
  await ctx.db
    .insertInto("indicator_mail_optouts")
    .values({ account_id: accountId, created_at: ctx.clock.now().toISOString() })
    .onConflict((oc) => oc.column("account_id").doNothing())
    .execute();
}

/** The indicator an alarm's or escalation's page is about. */
async function indicatorNamed(db: Kysely<Schema>, origin: string, uri: string) {
  const alarms = alarmUri(origin, "");
  if (uri.startsWith(alarms)) {
    const row = await db
      .selectFrom("indicator_alarms as a")
      .innerJoin("indicators as i", "i.id", "a.indicator_id")
      .select("i.name")
      .where("a.id", "=", uri.slice(alarms.length))
      .executeTakeFirst();
    return row?.name ?? "";
  }
  const row = await db
    .selectFrom("indicator_escalations")
    .select("indicator_name")
    .where("id", "=", uri.slice(escalationUri(origin, "").length))
    .executeTakeFirst();
  return row?.indicator_name ?? "";
}

/** Claims the alarm notices due a mail; returns the mails to send after the commit. */
export async function claimAlarmMails(ctx: OpsroomContext): Promise<AlarmMail[]> {
  const since = new Date(ctx.clock.now().getTime() - DAY).toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom("notifications as n")
      .innerJoin("accounts as a", "a.id", "n.account_id")
      .leftJoin("indicator_mails as m", "m.notification_id", "n.id")
      .leftJoin("indicator_mail_optouts as o", "o.account_id", "n.account_id")
      .leftJoin("email_verifications as v", "v.account_id", "n.account_id")
      .select(["n.id", "n.type", "n.from_uri", "a.email", "a.language"])
      .where("n.type", "in", ["indicator_alarm", "indicator_escalated"])
      .where("n.created_at", ">=", since)
      .where("m.notification_id", "is", null)
      .where("o.account_id", "is", null)
      .where("v.account_id", "is", null)
      .where("a.status", "=", "active")
      .orderBy("n.id")
      .limit(BATCH)
      .execute();
    if (due.length === 0) return [];
    const at = ctx.clock.now().toISOString();
    await trx
      .insertInto("indicator_mails")
      .values(due.map((n) => ({ notification_id: n.id, sent_at: at })))
      .onConflict((oc) => oc.column("notification_id").doNothing())
      .execute();
    const mails: AlarmMail[] = [];
    for (const n of due)
      mails.push({
        email: n.email,
        language: n.language,
        kind: n.type === "indicator_alarm" ? "alarm" : "escalation",
        indicator: await indicatorNamed(trx, ctx.origin, n.from_uri),
        url: n.from_uri,
      });
    return mails;
  });
}

/** The worker's sweep: claim, then send each (a failed send is logged, not retried). */
export async function sweepAlarmMail(
  ctx: OpsroomContext,
  send: (m: AlarmMail) => Promise<void>,
): Promise<number> {
  const mails = await claimAlarmMails(ctx);
  for (const m of mails)
    await send(m).catch((error: unknown) =>
      logger.error("Alarm mail to {url} failed: {error}", { url: m.url, error }),
    );
  return mails.length;
}
