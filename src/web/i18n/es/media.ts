/** Mensajes de las páginas de medios: la portada /media y la página pública de un artículo. */
import type { media as en } from "../en/media.ts";

export const media: Record<keyof typeof en, string> = {
  "media.lead":
    "Artículos de las personas socias y de las publicaciones de la cooperativa, escritos aquí y leídos en cualquier parte: en la web, en un lector de feeds o desde el fediverso.",
  "media.latest": "Artículos recientes",
  "media.none": "Todavía no se ha publicado ningún artículo.",
  "media.publications": "Publicaciones",
  "media.publications.none": "Todavía no hay publicaciones.",
  "media.write": "Escribir un artículo",
  "media.by": "Por {name}",
  "media.readingTime": "{minutes} min de lectura",
  "media.published": "Publicado el {date}",
  "media.edited": "Actualizado el {date}",
  "media.in": "En {publication}",
  "media.tags": "Etiquetas",
  "media.follow":
    "Sigue a {name} desde Mastodon o cualquier aplicación del fediverso: busca {handle}. Las respuestas desde allí aparecen aquí como comentarios.",
  "media.comments": "Comentarios",
  "media.comments.count": "Comentarios ({count})",
  "media.comments.none": "Todavía no hay comentarios. Responde desde el fediverso para comentar.",
  "media.comments.reply": "Responder",
  "media.comments.signin":
    "Inicia sesión para comentar, o responde desde cualquier cuenta del fediverso.",
  "media.comments.locked": "Los comentarios están cerrados.",
  "media.comment.inReplyTo": "en respuesta a {name}",
};
