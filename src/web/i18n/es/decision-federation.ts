/** Decisiones alojadas en otro servidor, tal como las ve un miembro de aquí. */
import type { decisionFederation as en } from "../en/decision-federation.ts";

export const decisionFederation: Record<keyof typeof en, string> = {
  "decisionsElsewhere.hostedOn": "Alojada en {host}: allí se cuenta.",
  "decisionsElsewhere.closed": "La votación ha terminado.",
  "decisionsElsewhere.voters": "Votos hasta ahora: {count}.",
  "decisionsElsewhere.weighted":
    "El voto de cada cooperativa pesa lo que su número de socias y socios activos.",
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
  "decisionsElsewhere.mandate": "Llevar el resultado de nuestra asamblea",
  "decisionsElsewhere.mandateField": "Nuestra decisión cerrada",
  "decisionsElsewhere.mandateHint":
    "El voto de la cooperativa sigue el resultado de una decisión cerrada aquí, opción por opción (por su nombre).",
  "decisionsElsewhere.mandateButton": "Emitir con él el voto de la cooperativa",
  "decisionsElsewhere.problem.not-closed": "Esa decisión aún no está cerrada.",
  "decisionsElsewhere.problem.no-mandate": "Elige una de nuestras decisiones cerradas.",
  "decisionsElsewhere.problem.incompatible":
    "Ese resultado no se puede llevar a esta decisión (otras opciones u otro tipo de votación): vota a mano.",
};
