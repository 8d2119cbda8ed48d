import type { planRounds as en } from "../en/plan-rounds.ts";

/** Las páginas de las rondas de planificación (src/web/plan-rounds). */
export const planRounds: Record<keyof typeof en, string> = {
  "social.notification.plan_round":
    "Una ronda de planificación publicó la parte de tu cooperativa para responder:",
  "plan.title": "Rondas de planificación",
  "plan.lead":
    "Una federación de cooperativas planifica en común: una ronda toma las ofertas y necesidades abiertas de sus miembros, un optimizador propone quién envía qué a quién, y cada cooperativa acepta o rechaza su parte.",
  "plan.none": "Todavía no hay rondas de planificación.",
  "plan.hosted": "De una federación de este nodo",
  "plan.copy": "De una federación de otro nodo",
  "plan.status.open": "Esperando al optimizador",
  "plan.status.accepting": "Esperando respuestas",
  "plan.status.re-solving": "Recalculándose",
  "plan.status.closed": "Cerrada",
  "plan.status.infeasible": "Imposible",
  "plan.deadline": "Respuestas hasta {when}",
  "plan.revision": "Revisión {n}",
  "plan.solver": "Optimizador: {version}",
  "plan.open.title": "Abrir una ronda en {group}",
  "plan.open.name": "Título",
  "plan.open.deadline": "Respuestas hasta (fecha y hora, UTC)",
  "plan.open.deadlineHint":
    "Entre una hora y 90 días. Pasado el plazo, las partes sin respuesta cuentan como rechazadas.",
  "plan.open.submit": "Abrir la ronda",
  "plan.open.weights": "Pesos de prioridad: {weights}",
  "plan.open.noWeights":
    "Pesos de prioridad: todas las necesidades pesan igual (ninguna decisión los ha fijado).",
  "plan.weights.title": "Proponer pesos de prioridad para {group}",
  "plan.weights.lead":
    "Una línea por categoría, como «alimentos = 3». Lo que falte de una necesidad cuesta el peso de su categoría; las categorías no nombradas pesan 1. El grupo decide por consentimiento.",
  "plan.weights.field": "Pesos",
  "plan.weights.days": "La votación cierra en (días)",
  "plan.weights.submit": "Proponer",
  "plan.weights.bad": "Escribe una «categoría = peso» por línea, con pesos entre 0 y 1000.",
  "plan.problem.invalid": "Revisa el título y el plazo.",
  "plan.problem.bad-deadline": "El plazo debe estar entre una hora y 90 días.",
  "plan.problem.forbidden": "Solo quienes moderan o administran el grupo pueden hacerlo.",
  "plan.problem.too-many": "Este grupo ya tiene cinco rondas en curso.",
  "plan.problem.not-a-federation":
    "Solo las federaciones de cooperativas hacen rondas de planificación.",
  "plan.problem.not-found": "No encontrado.",
  "plan.problem.not-accepting": "Esta ronda no está esperando respuestas.",
  "plan.problem.past-deadline": "El plazo ha pasado.",
  "plan.problem.no-part": "Tu cooperativa no tiene parte en esta revisión.",
  "plan.problem.already-answered": "Tu cooperativa ya respondió a esta revisión.",
  "plan.problem.unknown-commitment": "Ese compromiso no es de tu cooperativa.",
  "plan.problem.stale-revision": "Esa revisión ya fue sustituida.",
  "plan.part.title": "La parte de tu cooperativa",
  "plan.part.none": "Tu cooperativa no tiene parte en esta ronda.",
  "plan.part.answered": "Tu cooperativa respondió: {answer}",
  "plan.part.waiting": "Esperando a las demás cooperativas y a la federación.",
  "plan.answer.accepted": "aceptada",
  "plan.answer.rejected": "rechazada",
  "plan.answer.none": "todavía no",
  "plan.answer.legend":
    "Acepta toda la parte, o marca los compromisos que rechazas y recházalos (o explica por qué rechazas toda la parte).",
  "plan.answer.reject": "Rechazar: {what}",
  "plan.answer.note": "Por qué (opcional; la federación lo ve)",
  "plan.answer.accept": "Aceptar nuestra parte",
  "plan.answer.rejectSubmit": "Rechazar",
  "plan.answer.done": "Tu respuesta quedó registrada.",
  "plan.sends": "Envías {quantity} de {name} a {to}",
  "plan.receives": "Recibes {quantity} de {name} de {from}",
  "plan.flow": "{quantity} de {name}: {from} → {to}",
  "plan.explain":
    "Llevarlo cuesta {cost} por unidad. {name} vale {price} por unidad donde llega: una unidad más allí costaría eso.",
  "plan.explainSupply": "Una unidad más de esta oferta ahorraría {price}.",
  "plan.explainFree": "Esta oferta no escasea: tener más no ahorraría nada.",
  "plan.answers": "Respuestas: quien envía {provider}, quien recibe {receiver}",
  "plan.agreement": "Acuerdo",
  "plan.plan.title": "El plan",
  "plan.plan.count":
    "{n, plural, one {# compromiso} other {# compromisos}} (todas las revisiones); se muestran los primeros {shown}.",
  "plan.plan.empty": "Sin compromisos.",
  "plan.diagnosis.title": "Por qué esta ronda no se puede planificar",
  "plan.diagnosis.lead":
    "Los mínimos de estas necesidades no se pueden cubrir a la vez con las ofertas y enlaces que hay: al menos uno tiene que ceder.",
  "plan.diagnosis.row":
    "{name} para {coop}: hacen falta al menos {minimum}, y con las demás pueden llegar como mucho {delivered}.",
  "plan.weightsNow": "Pesos de esta ronda: {weights}",
  "plan.back": "Todas las rondas",
};
