import type { shell as en } from "../en/shell.ts";

/** Mensajes del armazón de páginas, errores y subidas. */
export const shell: Record<keyof typeof en, string> = {
  "site.skip": "Saltar al contenido",
  "site.menu": "Navegación principal",
  "site.footer":
    "Funciona con Synco, software libre que las cooperativas gestionan para sus socias y socios.",
  "site.language": "Idioma",
  "pillar.social": "Social",
  "pillar.media": "Medios",
  "pillar.decisions": "Decisiones",
  "pillar.economy": "Economía",
  "pillar.commons": "Procomún",
  "pillar.social.about": "Conversa en público con quienes están aquí y en todo el fediverso.",
  "pillar.media.about": "Artículos y publicaciones de los medios independientes de la cooperativa.",
  "pillar.decisions.about":
    "Propuestas, votaciones y presupuestos participativos decididos en común.",
  "pillar.economy.about":
    "Ofertas, necesidades y planes compartidos entre cooperativas, con indicadores.",
  "pillar.commons.about":
    "Datos compartidos como procomún, consultados con privacidad diferencial.",
  "pillar.empty": "Aún no hay nada aquí. Esta parte del nodo está en construcción.",
  "home.title": "Bienvenida a {name}",
  "home.lead": "La infraestructura digital pública propia de una cooperativa.",
  "home.pillars": "Lo que hacen aquí las socias y socios",
  "pillar.groups": "Grupos",
  "pillar.groups.about":
    "Asambleas, grupos de trabajo y publicaciones donde las personas socias se encuentran y deciden.",
  "pillar.coming": "pronto",
  "front.needs": "Te necesita",
  "front.needs.none": "Ahora mismo no hay nada esperándote.",
  "front.budgetVoting": "Presupuesto participativo de {group}, abierto a tu papeleta",
  "front.until": "hasta el {when}",
  "front.alarms":
    "{n, plural, one {# alarma espera en la sala de operaciones} other {# alarmas esperan en la sala de operaciones}}",
  "front.joinRequests": "{n, plural, one {# persona pide unirse} other {# personas piden unirse}}",
  "front.reports":
    "{n, plural, one {# denuncia abierta por resolver} other {# denuncias abiertas por resolver}}",
  "front.new": "Novedades de la cooperativa",
  "front.article": "Artículo",
  "front.thread": "Hilo",
  "front.timeline": "Tu cronología",
  "front.newPost": "Nueva publicación",
  "front.suggest": "Personas y grupos a seguir",
  "front.suggest.lead":
    "Tu cronología se llena con las publicaciones de las personas que sigues y de los grupos a los que te unes.",
  "front.suggest.people": "Personas socias de aquí",
  "front.suggest.groups": "Grupos",
  "time.now": "ahora",
  "time.minutes": "{n} min",
  "time.hours": "{n} h",
  "nav.login": "Entrar",
  "nav.signup": "Registrarse",
  "nav.logout": "Salir",
  "nav.notifications": "Notificaciones",
  "nav.unread": "{n, plural, one {# sin leer} other {# sin leer}}",
  "nav.settings": "Ajustes",
  "nav.opsroom": "Sala de operaciones",
  "nav.admin": "Administración",
  "nav.profile": "Perfil",
  "error.title": "Algo ha fallado",
  "error.notFound": "No hay ninguna página en esta dirección.",
  "error.badRequest": "No se ha podido entender la petición: {detail}",
  "error.tooLarge": "Lo que has enviado es demasiado grande.",
  "error.internal":
    "Algo ha fallado por nuestra parte. Ha quedado registrado; vuelve a intentarlo.",
  "error.back": "Volver al inicio",
  "upload.unsupported": "Este tipo de archivo no es compatible; usa JPEG, PNG, WebP, GIF o AVIF.",
  "upload.tooLarge": "La imagen supera los {max} MB.",
  "upload.unreadable": "No se ha podido leer la imagen.",
  "upload.tooManyPixels": "La imagen supera los {max} megapíxeles; redúcela y vuelve a intentarlo.",
};
