/** Mensajes en español de fuentes (feeds) y boletines. */
import type { feeds as en } from "../en/feeds.ts";

export const feeds: Record<keyof typeof en, string> = {
  "feeds.link.rss": "{title} (RSS)",
  "feeds.link.atom": "{title} (Atom)",
  "feeds.link.json": "{title} (JSON Feed)",
  "feeds.member.description": "Publicaciones públicas de {name} en {coop}",
  "feeds.tag.title": "#{tag} · {coop}",
  "feeds.tag.description": "Publicaciones públicas con la etiqueta #{tag} en {coop}",
  "feeds.local.title": "{coop}: publicaciones públicas",
  "feeds.local.description": "Publicaciones públicas de las personas socias de {coop}",
  "feeds.group.description": "Publicaciones públicas de {name} en {coop}",
  "feeds.subscribe": "Fuentes",
};
