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
  "feeds.newsletter.link": "Boletín",
  "feeds.newsletter.title": "Boletín de {name}",
  "feeds.newsletter.intro":
    "Recibe por correo cada nueva publicación de {name}. Primero enviamos un mensaje para confirmar; cada correo trae un enlace para darse de baja con un clic.",
  "feeds.newsletter.email": "Tu dirección de correo",
  "feeds.newsletter.subscribe": "Suscribirme",
  "feeds.newsletter.badEmail": "Esa no es una dirección de correo a la que podamos escribir.",
  "feeds.newsletter.noMail":
    "Los boletines están desactivados en esta cooperativa: no tiene configurado un servidor de correo saliente (SYNCO_SMTP_URL), así que nada llegaría a tu bandeja. Puedes seguir a {name} con un lector de fuentes:",
  "feeds.newsletter.checkInbox":
    "Casi listo: abre el enlace del mensaje que acabamos de enviar a {email} para confirmar. Si no llega, mira en la carpeta de correo no deseado.",
  "feeds.newsletter.checkTitle": "Revisa tu correo",
  "feeds.newsletter.owner": "Tus suscriptores",
  "feeds.newsletter.counts":
    "{confirmed} confirmados, {pending} esperando confirmación, {unsubscribed} dados de baja.",
  "feeds.newsletter.send": "Enviar una publicación por correo",
  "feeds.newsletter.sendHint": "Llega una vez a cada suscriptor confirmado. No se puede deshacer.",
  "feeds.newsletter.sendPost": "Publicación",
  "feeds.newsletter.sendButton": "Enviar a los suscriptores",
  "feeds.newsletter.sendOff":
    "El envío está desactivado: esta cooperativa no tiene configurado un servidor de correo saliente (SYNCO_SMTP_URL). Pide a una persona administradora que lo configure.",
  "feeds.newsletter.noPosts": "Todavía no hay ninguna publicación pública para enviar.",
  "feeds.newsletter.sends": "Envíos hechos",
  "feeds.newsletter.sendState":
    "{sent} de {recipients} enviados, {queued} en espera, {failed} fallidos, {uncertain} inciertos",
  "feeds.newsletter.uncertainHint":
    "Incierto: el envío se detuvo mientras entregaba ese mensaje al servidor de correo, así que puede haber salido o no. No se vuelve a enviar por sí solo, para que nadie lo reciba dos veces salvo que decidas volver a enviarlo.",
  "feeds.newsletter.queued":
    "{recipients, plural, =0 {Aún no hay suscriptores: no se puso nada en cola.} one {En cola para # suscriptor.} other {En cola para # suscriptores.}}",
  "feeds.newsletter.problem.forbidden":
    "Solo quien escribe el blog o quienes editan el grupo pueden enviar.",
  "feeds.newsletter.problem.not-found": "Esa publicación no es de esta lista.",
  "feeds.newsletter.problem.not-public":
    "Solo se pueden enviar por correo las publicaciones públicas.",
  "feeds.newsletter.problem.already-sent": "Esa publicación ya se envió a esta lista.",
  "feeds.newsletter.problem.no-mail": "No hay un servidor de correo saliente configurado.",
  "feeds.confirm.title": "Confirma tu suscripción",
  "feeds.confirm.intro": "Confirma que {email} debe recibir el boletín de {name}.",
  "feeds.confirm.button": "Confirmar",
  "feeds.confirm.done": "Suscripción hecha: {email} recibirá el boletín de {name}.",
  "feeds.confirm.left":
    "Esta dirección se dio de baja; suscríbete de nuevo desde la página del boletín.",
  "feeds.unsubscribe.title": "Darse de baja",
  "feeds.unsubscribe.intro": "¿Dejar de enviar el boletín de {name} a {email}?",
  "feeds.unsubscribe.button": "Darme de baja",
  "feeds.unsubscribe.done": "Baja hecha: {email} no recibirá más correos de {name}.",
  "feeds.token.bad":
    "Este enlace no es válido (puede estar cortado, o la suscripción ya no existe).",
  "feeds.mail.confirm.subject": "Confirma tu suscripción a {name}",
  "feeds.mail.confirm.body":
    "Alguien (esperamos que tú) pidió recibir el boletín de {name} en {coop} en esta dirección.\n\nPara confirmar, abre:\n{link}\n\nSi no fuiste tú, ignora este mensaje: no se enviará nada.",
  "feeds.mail.readOnline": "Leer en la web",
  "feeds.mail.footer": "Recibes esto porque te suscribiste a {name} en {coop}.",
  "feeds.mail.unsubscribe": "Darse de baja",
  "feeds.newsletter.onPublish": "Enviar al publicarse",
  "feeds.newsletter.onPublish.set": "se enviará por correo cuando se publique",
  "feeds.newsletter.onPublish.ask": "Enviarlo por correo al publicarse",
  "feeds.newsletter.onPublish.cancel": "No enviarlo",
  "feeds.newsletter.subscribers": "Suscriptores",
  "feeds.newsletter.resend": "Volver a enviar a los inciertos (pueden recibirlo dos veces)",
};
