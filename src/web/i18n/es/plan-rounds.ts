import type { planRounds as en } from "../en/plan-rounds.ts";

/** Las páginas de las rondas de planificación (src/web/plan-rounds). */
export const planRounds: Record<keyof typeof en, string> = {
  "social.notification.plan_round": "Una ronda de planificación publicó la parte de tu cooperativa para responder:",
};
