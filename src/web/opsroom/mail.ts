/**
 * Alarm mail (economy/opsroom/mail.ts), written in the member's language. Only
 * built when the node has SMTP configured (app.ts), as decision reminders are.
 */
import type { Mailer } from "../../accounts/mail.ts";
import type { AlarmMail } from "../../economy/opsroom/mail.ts";
import { isLocale, translator } from "../i18n/i18n.ts";

export function opsroomAlarmMail(mailer: Mailer) {
  return async (m: AlarmMail) => {
    const t = translator(isLocale(m.language) ? m.language : "en");
    const vars = { indicator: m.indicator, url: m.url };
    await mailer.send({
      to: m.email,
      subject: t(`ops.mail.${m.kind}.subject`, vars),
      text: `${t(`ops.mail.${m.kind}.text`, vars)}\n\n${t("ops.mail.footer")}`,
    });
  };
}
