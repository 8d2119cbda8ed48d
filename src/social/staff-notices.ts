/**
 * Notices for the people who must act (issue 23): the co-op's admins and
 * moderators hear of every new report and sign-up application, a group's
 * moderators of requests to join it. Written in the transaction of the change,
 * so a notice exists exactly when its report, application or request does; they
 * also go by mail (notice-mail.ts) unless the member turned that off.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import type { Clock } from "../kernel/clock.ts";
import { memberUri } from "../kernel/uris.ts";
import { notify } from "./notifications.ts";

export interface StaffNotice {
  type: "report" | "sign_up";
  fromUri: string;
  fromAccountId?: string | null;
  fromRemoteId?: string | null;
  /** The report's id, or the applicant's account id. */
  subjectId: string;
}

/** Tells every active admin and moderator of the co-op. */
export async function notifyStaff(
  trx: Kysely<Schema>,
  notice: StaffNotice,
  clock: Clock,
): Promise<void> {
  const staff = await trx
    .selectFrom("accounts")
    .select("id")
    .where("role", "in", ["admin", "moderator"])
    .where("status", "=", "active")
    .execute();
  for (const { id } of staff) await notify(trx, { ...notice, accountId: id, mail: true }, clock);
}

/** Tells the moderators (and admins) of a group hosted here that someone asks to join it. */
export async function notifyGroupModerators(
  trx: Kysely<Schema>,
  notice: {
    groupId: string;
    fromUri: string;
    fromAccountId?: string | null;
    fromRemoteId?: string | null;
  },
  clock: Clock,
): Promise<void> {
  const moderators = await trx
    .selectFrom("group_members")
    .select("account_id")
    .where("group_id", "=", notice.groupId)
    .where("role", "in", ["admin", "moderator"])
    .where("status", "=", "active")
    .where("account_id", "is not", null)
    .execute();
  for (const { account_id } of moderators)
    if (account_id)
      await notify(
        trx,
        {
          type: "group_join_request",
          accountId: account_id,
          fromUri: notice.fromUri,
          fromAccountId: notice.fromAccountId ?? null,
          fromRemoteId: notice.fromRemoteId ?? null,
          subjectId: notice.groupId,
          mail: true,
        },
        clock,
      );
}

/** register()'s onApplication: the staff hear of an application to join the co-op. */
export const tellStaffOfApplication =
  (origin: string, clock: Clock) =>
  (trx: Kysely<Schema>, applicant: { id: string; username: string }) =>
    notifyStaff(
      trx,
      {
        type: "sign_up",
        fromUri: memberUri(origin, applicant.username),
        fromAccountId: applicant.id,
        subjectId: applicant.id,
      },
      clock,
    );

export interface NewReport {
  id: string;
  /** A member's account, or null for another server's Flag. */
  reporterAccountId: string | null;
  reporterRemoteId?: string | null;
  reporterUri: string;
  /** An actor, or what else is reported (a budget's project, a proposal, a message). */
  targetUri: string;
  postIds?: string[];
  comment: string;
  forwarded?: boolean;
  /** The group hosted here the report is about: its moderators see it too. */
  groupId: string | null;
  /** The Flag's id, when it came from another server. */
  uri?: string | null;
}

/**
 * Files a report for the co-op's moderation queue and tells the staff of it;
 * call in the transaction of the change (every kind of report goes through here).
 */
export async function fileReport(
  trx: Kysely<Schema>,
  report: NewReport,
  clock: Clock,
): Promise<void> {
  await trx
    .insertInto("reports")
    .values({
      id: report.id,
      reporter_account_id: report.reporterAccountId,
      reporter_uri: report.reporterUri,
      target_uri: report.targetUri,
      post_ids: JSON.stringify(report.postIds ?? []),
      comment: report.comment,
      forwarded: report.forwarded ? 1 : 0,
      group_id: report.groupId,
      uri: report.uri ?? null,
      created_at: clock.now().toISOString(),
      resolved_at: null,
      resolved_by: null,
    })
    .execute();
  await notifyStaff(
    trx,
    {
      type: "report",
      fromUri: report.reporterUri,
      fromAccountId: report.reporterAccountId,
      fromRemoteId: report.reporterRemoteId ?? null,
      subjectId: report.id,
    },
    clock,
  );
}
