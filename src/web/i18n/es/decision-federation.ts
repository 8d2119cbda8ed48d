/** Decisiones alojadas en otro servidor, tal como las ve un miembro de aquí. */
import type { decisionFederation as en } from "../en/decision-federation.ts";

export const decisionFederation: Record<keyof typeof en, string> = {
  "decisionsElsewhere.hostedOn": "Alojada en {host}: allí se cuenta.",
  "decisionsElsewhere.closed": "La votación ha terminado.",
  "decisionsElsewhere.voters": "Votos hasta ahora: {count}.",
  "decisionsElsewhere.youVoted": "Tu voto se envió a {host}.",
  "decisionsElsewhere.forCoop":
    "Emitir el voto de nuestra cooperativa (eres su delegada o delegado)",
  "decisionsElsewhere.sent":
    "Tu voto se ha enviado; los resultados se actualizarán cuando {host} lo cuente.",
  "decisionsElsewhere.outcome": "Resultado",
  "decisionsElsewhere.problem.not-found": "No existe esa decisión.",
  "decisionsElsewhere.problem.closed": "Esta decisión está cerrada.",
  "decisionsElsewhere.problem.not-a-member": "Solo votan los miembros del grupo.",
  "decisionsElsewhere.problem.not-a-delegate":
    "Solo las personas delegadas de nuestra cooperativa emiten su voto.",
  "decisionsElsewhere.problem.already-voted":
    "Ya has votado y esta decisión no permite cambiar el voto.",
  "decisionsElsewhere.problem.invalid-choice":
    "La papeleta no encaja con la regla de esta decisión.",
};
