/**
 * The mail of notices a member can act on (social/notice-mail.ts), written in
 * the member's language, with the address where to act. Only built when the
 * node has SMTP configured.
 */
import type { Mailer } from "../accounts/mail.ts";
import type { NoticeMail } from "../social/notice-mail.ts";
import { isLocale, translator } from "./i18n/i18n.ts";

export function noticeMail(mailer: Mailer, origin: string) {
  return async (m: NoticeMail) => {
    const t = translator(isLocale(m.language) ? m.language : "en");
    const vars = {
      name: `${m.fromName} (${m.fromHandle})`,
      group: m.groupDisplayName ?? "",
      target: m.reportTarget ?? "",
    };
    const path =
      m.type === "group_join_request"
        ? `/groups/${m.groupName ?? ""}/manage`
        : m.type === "report"
          ? "/moderation"
          : "/admin/applications";
    const what =
      m.type === "report" && !m.reportTarget
        ? t("social.notify.reportOther", vars)
        : t(`social.notify.${m.type}`, vars);
    await mailer.send({
      to: m.email,
      subject: t(`social.notify.mail.subject.${m.type}`, vars),
      text: t("social.notify.mail.text", { what, url: `${origin}${path}` }),
    });
  };
}
