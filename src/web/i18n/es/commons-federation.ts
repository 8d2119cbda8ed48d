/** The federated data commons and budget decisions, in Spanish. */
import type { commonsFederation as en } from "../en/commons-federation.ts";

export const commonsFederation: Record<keyof typeof en, string> = {
  "commons.federated.combinedMark": "(la federación, combinada)",
  "commons.federated.eachLedger": "el nodo de cada cooperativa lo gastó de su propio registro",
  "commons.federated.title": "Preguntar a la federación",
  "commons.federated.hint":
    "El nodo de cada cooperativa miembro responde sobre las filas de sus propios miembros, con su propio ruido y de su propio presupuesto, y firma su respuesta; este nodo suma las respuestas. Las filas nunca salen de su nodo. Conteo, histograma y suma.",
  "commons.federated.submit": "Preguntar a cada cooperativa miembro",
  "commons.federated.questions": "Preguntas a la federación",
  "commons.federated.none": "Aún no se ha hecho ninguna pregunta.",
  "commons.federated.question": "Pregunta a la federación",
  "commons.federated.meta":
    "Preguntada el {date} para {period}; se esperan respuestas hasta el {closes}.",
  "commons.federated.parts": "Respuestas de las cooperativas miembro",
  "commons.federated.partsCaption": "La parte de cada cooperativa miembro",
  "commons.federated.coop": "Cooperativa",
  "commons.federated.status": "Estado",
  "commons.federated.release": "Su publicación firmada",
  "commons.federated.status.waiting": "esperando",
  "commons.federated.status.answered": "respondió",
  "commons.federated.status.refused": "se negó",
  "commons.federated.status.missing": "falta (no respondió a tiempo)",
  "commons.federated.qstatus.collecting": "reuniendo respuestas",
  "commons.federated.qstatus.published": "publicada",
  "commons.federated.collecting": "Esperando a {n} de {of} cooperativas.",
  "commons.federated.publish": "Publicar con las respuestas recibidas",
  "commons.federated.publishHint":
    "Las cooperativas que aún no respondieron aparecerán como faltantes.",
  "commons.federated.combined": "Leer la publicación combinada",
  "commons.federated.nobody": "Ninguna cooperativa respondió: no había nada que combinar.",
  "commons.federated.copyTitle": "Un conjunto de datos de una federación",
  "commons.federated.copy":
    "Este conjunto de datos pertenece a la federación {group}. Las filas dadas aquí se quedan en este nodo; este nodo responde las preguntas de la federación sobre ellas, con su propio ruido y de su propio presupuesto.",
  "commons.federated.answering": "Este nodo responde las preguntas de la federación.",
  "commons.federated.paused":
    "Este nodo dejó de responder las preguntas de la federación (y de aceptar filas); sus partes aparecen como negadas.",
  "commons.federated.pause": "Dejar de responder",
  "commons.federated.resume": "Volver a responder",
  "commons.federated.combination":
    "Combinada a partir de las respuestas de {answered} de {of} cooperativas; intervalos por {method}.",
  "commons.federated.method.convolution": "la convolución exacta del ruido de los nodos",
  "commons.federated.method.chernoff-bound": "una cota de Chernoff sobre el ruido sumado",
  "commons.federated.localOnly": "Las preguntas a este conjunto de datos vienen de su federación.",
  "commons.federated.problem.not-found": "Esa pregunta o conjunto de datos no está aquí.",
  "commons.federated.problem.forbidden": "Solo quienes moderan la federación pueden hacerlo.",
  "commons.federated.problem.invalid":
    "Pregunta un conteo, un histograma de una categoría o una suma de un número, con un ρ dentro del presupuesto.",
  "commons.federated.problem.not-a-federation":
    "Solo el conjunto de datos de una federación se pregunta a sus cooperativas miembro.",
  "commons.federated.problem.no-members":
    "La federación no tiene cooperativas miembro a quienes preguntar.",
  "commons.federated.problem.closed": "Esta pregunta ya está publicada.",
  "commons.federated.problem.still-open": "Esta pregunta aún está reuniendo respuestas.",
  "commons.budget.title": "El presupuesto",
  "commons.budget.hint":
    "Un nuevo presupuesto es una decisión del grupo del conjunto de datos: cambia el presupuesto, desde el periodo actual, solo si se aprueba.",
  "commons.budget.rho": "Nuevo presupuesto ρ por periodo",
  "commons.budget.closesAt": "La votación cierra",
  "commons.budget.closesHint": "Fecha y hora en UTC, p. ej. 2026-12-20T18:00.",
  "commons.budget.reason": "Por qué",
  "commons.budget.submit": "Proponer este presupuesto",
  "commons.budget.status.open": "en decisión",
  "commons.budget.status.applied": "aprobada: aplicada",
  "commons.budget.status.rejected": "no se aprobó",
  "commons.problem.same-budget": "Ese ya es el presupuesto.",
};
