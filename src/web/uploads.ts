/** What a page tells a member whose image was refused (storage/images.ts says why). */
import { type ImageRejection, MAX_INPUT_PIXELS, MAX_UPLOAD_BYTES } from "../storage/images.ts";
import type { Translate } from "./i18n/i18n.ts";

export function imageRejectionText(t: Translate, reason: ImageRejection): string {
  switch (reason) {
    case "too-large":
      return t("upload.tooLarge", { max: MAX_UPLOAD_BYTES / 1024 / 1024 });
    case "too-many-pixels":
      return t("upload.tooManyPixels", { max: Math.floor(MAX_INPUT_PIXELS / 1_000_000) });
    case "unsupported":
      return t("upload.unsupported");
    case "unreadable":
      return t("upload.unreadable");
  }
}
