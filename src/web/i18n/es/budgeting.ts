import type { budgeting as en } from "../en/budgeting.ts";

/** Presupuestos participativos: procesos, propuestas, revisión y avance (web/budgeting). */
export const budgeting: Record<keyof typeof en, string> = {
  "social.notification.budget_phase": "Un presupuesto participativo en el que participas avanzó:",
  "social.notification.budget_project": "Una moderadora revisó tu propuesta:",
};
