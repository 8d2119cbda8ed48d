import type { formsAdmin as en } from "../en/forms-admin.ts";

/** Mensajes de los formularios que guardan lo escrito y de las pantallas de administración y moderación. */
export const formsAdmin: Record<keyof typeof en, string> = {
  "upload.fileTooLarge": "{name} ocupa {size} MB; el límite es {max} MB.",
  "upload.fileNotImage": "{name} no es una imagen; usa JPEG, PNG, WebP, GIF o AVIF.",
  "upload.formTooLarge":
    "Lo que enviaste ocupa {size} MB; un formulario admite como mucho {max} MB. Vuelve atrás y elige imágenes más pequeñas.",
  "upload.kept": "Ya subida: no hace falta elegirla de nuevo.",
  "upload.remove": "Quitar esta imagen",
  "upload.gone": "Esta imagen no se guardó; elígela de nuevo.",
  "groups.fed.unknownDelegates":
    "{count, plural, one {Ningún miembro activo se llama {names}.} other {Ningún miembro activo se llama así: {names}.}} Usa los nombres de usuario de los miembros.",
  "admin.setup.title": "Primeros pasos de tu cooperativa",
  "admin.setup.progress": "{done} de {total} hechos",
  "admin.setup.name": "Dale nombre a la cooperativa",
  "admin.setup.rules": "Escribe las normas de la cooperativa",
  "admin.setup.registration": "Elige quién puede unirse",
  "admin.setup.invite": "Crea la primera invitación",
  "admin.setup.done": "(hecho)",
  "admin.setup.todo": "(pendiente)",
  "confirm.cancel": "Cancelar",
  "groups.manage.banTitle": "¿Vetar en {group}?",
  "groups.manage.banQuestion":
    "{who} saldrá de {group} y no podrá volver a unirse hasta que se levante el veto.",
  "groups.manage.invitedHeading": "Invitaciones",
  "groups.leaveTitle": "¿Salir de {group}?",
  "groups.leaveQuestion":
    "Dejarás de ser miembro de {group}. Para volver tendrás que unirte de nuevo.",
  "moderation.aPost": "una publicación",
  "social.mod.deletePost": "Borrar esta publicación",
  "social.mod.dismiss": "Descartar",
  "social.mod.postsGone":
    "{count, plural, one {# publicación denunciada ya no está.} other {# publicaciones denunciadas ya no están.}}",
  "social.mod.suspendAccount": "Suspender la cuenta…",
  "social.mod.suspendTitle": "¿Suspender a {name}?",
  "social.mod.suspendQuestion":
    "{who} quedará en suspenso: si es de aquí no podrá entrar y sus publicaciones se ocultan; si es de otro servidor, se le rechaza.",
  "admin.applied": "Solicitud enviada",
};
