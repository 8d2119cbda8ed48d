/**
 * A member's data in the opsroom, for the export archive and account deletion:
 * the values they reported and the notes they wrote on alarms. Deleting the
 * account keeps the values (they are the group's series, and the detector's
 * state was learned from them) but forgets who reported them; their notes are
 * kept as the alarm's story with the author's name and text removed, as is who
 * acknowledged or resolved an alarm. Indicators
 * they defined stay with their group. Their alarm-mail setting goes.
 */
import type { AccountDataContributor } from "../../accounts/data.ts";
import { memberUri } from "../../kernel/uris.ts";

export const opsroomContributor = (origin: string): AccountDataContributor => ({
  name: "opsroom",
  async export(db, accountId) {
    const values = await db
      .selectFrom("indicator_values as v")
      .innerJoin("indicators as i", "i.id", "v.indicator_id")
      .select(["i.name as indicator", "v.period", "v.value", "v.source", "v.reported_at"])
      .where("v.reported_by", "=", accountId)
      .orderBy("v.id")
      .execute();
    const notes = await db
      .selectFrom("indicator_alarm_notes")
      .select(["alarm_uri", "kind", "body", "created_at"])
      .where("author_account_id", "=", accountId)
      .orderBy("id")
      .execute();
    const optout = await db
      .selectFrom("indicator_mail_optouts")
      .select("account_id")
      .where("account_id", "=", accountId)
      .executeTakeFirst();
    return { values, notes, alarmMail: !optout };
  },
  async erase(trx, accountId) {
    await trx.deleteFrom("indicator_mail_optouts").where("account_id", "=", accountId).execute();
    await trx
      .updateTable("indicator_values")
      .set({ reported_by: null })
      .where("reported_by", "=", accountId)
      .execute();
    await trx
      .updateTable("indicator_alarm_notes")
      .set({ author_account_id: null, author_uri: "", body: "" })
      .where("author_account_id", "=", accountId)
      .execute();
    await trx
      .updateTable("indicators")
      .set({ created_by: null })
      .where("created_by", "=", accountId)
      .execute();
    // Who acknowledged or resolved an alarm is kept as their address: forget it.
    const account = await trx
      .selectFrom("accounts")
      .select("username")
      .where("id", "=", accountId)
      .executeTakeFirst();
    if (!account) return;
    const uri = memberUri(origin, account.username);
    for (const table of ["indicator_alarms", "indicator_escalations"] as const) {
      await trx
        .updateTable(table)
        .set({ acknowledged_by: "" })
        .where("acknowledged_by", "=", uri)
        .execute();
      await trx
        .updateTable(table)
        .set({ resolved_by: "" })
        .where("resolved_by", "=", uri)
        .execute();
    }
  },
});
