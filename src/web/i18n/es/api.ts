/** Mensajes de las páginas de la API de clientes: autorizar una aplicación (consentimiento OAuth). */
import type { api as en } from "../en/api.ts";

export const api: Record<keyof typeof en, string> = {
  "api.authorize.title": "Autorizar {app}",
  "api.authorize.lead": "{app} quiere usar tu cuenta {account}.",
  "api.authorize.scopes": "Pide permiso para:",
  "api.authorize.website": "Sitio web de la aplicación: {website}",
  "api.authorize.approve": "Autorizar",
  "api.authorize.deny": "Rechazar",
  "api.authorize.code": "Copia este código en la aplicación:",
  "api.authorize.badClient":
    "Esta aplicación no está registrada aquí, o su dirección de retorno no coincide.",
  "api.authorize.badScope": "La aplicación pide permisos que no registró.",
  "api.scope.read": "leer tus publicaciones, cronologías, notificaciones y cuenta",
  "api.scope.write":
    "publicar, editar, marcar favoritos e impulsar en tu nombre, y cambiar tu perfil",
  "api.scope.follow": "seguir, bloquear y silenciar cuentas en tu nombre",
  "api.scope.push": "recibir tus notificaciones como mensajes push",
  "api.scope.profile": "leer tu perfil básico",
  "api.scope.granular": "{scope}",
};
