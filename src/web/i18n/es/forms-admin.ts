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
};
