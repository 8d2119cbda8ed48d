/**
 * Reminder mail for decisions (governance/decisions/sweep.ts), written in the
 * member's language. Only built when the node has SMTP configured.
 */
import type { Mailer } from "../accounts/mail.ts";
import type { ReminderMail } from "../governance/decisions/sweep.ts";
import { postUri } from "../kernel/uris.ts";
import { formatDate } from "./forms.ts";
import { isLocale, translator } from "./i18n/i18n.ts";

export function decisionReminderMail(mailer: Mailer, origin: string) {
  return async (m: ReminderMail) => {
    const locale = isLocale(m.language) ? m.language : "en";
    const t = translator(locale);
    const vars = {
      title: m.decision.title,
      group: m.decision.group_uri,
      date: formatDate(locale, m.decision.closes_at),
      url: postUri(origin, m.decision.post_id),
    };
    await mailer.send({
      to: m.email,
      subject: t("decisions.mail.reminder.subject", vars),
      text: t("decisions.mail.reminder.text", vars),
    });
  };
}
