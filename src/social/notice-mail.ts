/**
 * Mail for notices a member can act on (join requests, reports, applications:
 * staff-notices.ts), run from the worker's interval like the decisions sweep.
 * Each notice waiting for mail is claimed by a conditional update that returns
 * the rows it changed, so two worker processes never mail one notice twice; the
 * mail goes after the commit (a crash between the two loses that mail, never
 * duplicates it). Members who turned such mail off, and nodes without SMTP,
 * have their notices claimed and not mailed.
 */
import { getLogger } from "@logtape/logtape";
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { memberPrefix } from "../kernel/uris.ts";

const logger = getLogger(["synco", "social", "notice-mail"]);

/** Notices mailed per sweep at most (the next sweep takes the rest). */
const BATCH = 50;

export interface NoticeMail {
  email: string;
  language: string;
  type: "group_join_request" | "report" | "sign_up";
  fromName: string;
  fromHandle: string;
  /** For a join request: the group's name (its path) and shown name. */
  groupName: string | null;
  groupDisplayName: string | null;
  /** For a report: the handle (or address) of whom it is about. */
  reportTarget: string | null;
}

/** Claims the notices waiting for mail and sends those their members want by mail. */
export async function mailNotices(
  db: Kysely<Schema>,
  { origin, domain }: { origin: string; domain: string },
  send: ((m: NoticeMail) => Promise<void>) | null,
): Promise<number> {
  const mails = await db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable("notifications")
      .set({ mail_pending: 0 })
      .where(
        "id",
        "in",
        trx
          .selectFrom("notifications")
          .select("id")
          .where("mail_pending", "=", 1)
          .orderBy("id")
          .limit(BATCH),
      )
      .where("mail_pending", "=", 1)
      .returning("id")
      .execute();
    if (claimed.length === 0 || !send) return [];
    return trx
      .selectFrom("notifications as n")
      .innerJoin("accounts as a", "a.id", "n.account_id")
      .leftJoin("notification_policies as np", "np.account_id", "n.account_id")
      .leftJoin("accounts as f", "f.id", "n.from_account_id")
      .leftJoin("remote_actors as r", "r.id", "n.from_remote_id")
      .leftJoin("groups as g", "g.id", "n.subject_id")
      .leftJoin("reports as rp", "rp.id", "n.subject_id")
      .leftJoin("remote_actors as rt", "rt.uri", "rp.target_uri")
      .select([
        "n.type",
        "n.from_uri",
        "a.email",
        "a.language",
        "f.username",
        "f.display_name",
        "r.handle",
        "r.name",
        "g.name as group_name",
        "g.display_name as group_display_name",
        "rp.target_uri",
        "rt.handle as target_handle",
      ])
      .where(
        "n.id",
        "in",
        claimed.map((c) => c.id),
      )
      .where("n.type", "in", ["group_join_request", "report", "sign_up"])
      .where("a.status", "=", "active")
      .where((eb) => eb.or([eb("np.mail_notices", "is", null), eb("np.mail_notices", "=", 1)]))
      .execute();
  });
  const prefix = memberPrefix(origin);
  let sent = 0;
  for (const m of mails) {
    if (!m.email) continue;
    const mail: NoticeMail = {
      email: m.email,
      language: m.language,
      type: m.type as NoticeMail["type"],
      fromName: m.display_name || m.username || m.name || m.handle || m.from_uri,
      fromHandle: m.username ? `@${m.username}@${domain}` : m.handle ? `@${m.handle}` : m.from_uri,
      groupName: m.group_name,
      groupDisplayName: m.group_display_name || m.group_name,
      reportTarget: m.target_handle
        ? `@${m.target_handle}`
        : m.target_uri?.startsWith(prefix)
          ? `@${m.target_uri.slice(prefix.length)}@${domain}`
          : null,
    };
    try {
      await send?.(mail);
      sent++;
    } catch (error) {
      logger.error("Mailing a {type} notice failed: {error}", { type: m.type, error });
    }
  }
  return sent;
}
