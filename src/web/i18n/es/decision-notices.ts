import type { decisionNotices as en } from "../en/decision-notices.ts";

/** Lo que se avisa a los miembros sobre decisiones fuera de sus páginas: notificaciones y correo. */
export const decisionNotices: Record<keyof typeof en, string> = {
  "social.notification.decision_opened": "{name} abrió una decisión en la que puedes votar",
  "social.notification.decision_reminder":
    "Una decisión en {name} cierra pronto y aún no has votado",
  "social.notification.decision_outcome": "{name} registró el resultado de una decisión",
  "decisions.mail.reminder.subject": "Recordatorio: «{title}» cierra pronto",
  "decisions.mail.reminder.text":
    "La decisión «{title}» en {group} cierra el {date} y aún no has votado.\n\nVota aquí: {url}\n",
};
