/** What a page tells a member whose image was refused (storage/images.ts says why). */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { MAX_MEDIA } from "../social/posts.ts";
import { type ImageRejection, MAX_INPUT_PIXELS, MAX_UPLOAD_BYTES } from "../storage/images.ts";
import type { Translate } from "./i18n/i18n.ts";

const MB = 1024 * 1024;

/** Why an image was refused; a file too large is named with its size when the picked file is given. */
export function imageRejectionText(
  t: Translate,
  reason: ImageRejection,
  picked?: { file: File; locale: string },
): string {
  switch (reason) {
    case "too-large":
      return picked
        ? (pickedFileProblem(t, picked.locale, picked.file) ??
            t("upload.tooLarge", { max: MAX_UPLOAD_BYTES / MB }))
        : t("upload.tooLarge", { max: MAX_UPLOAD_BYTES / MB });
    case "too-many-pixels":
      return t("upload.tooManyPixels", { max: Math.floor(MAX_INPUT_PIXELS / 1_000_000) });
    case "unsupported":
      return t("upload.unsupported");
    case "unreadable":
      return t("upload.unreadable");
  }
}

/** Megabytes with one decimal, in the reader's notation ("10.3", "10,3"). */
export function megabytes(locale: string, bytes: number): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(bytes / MB);
}

/**
 * What is wrong with a picked file before it is read, named by its file name
 * ("photo.png is 10.3 MB; the limit is 8 MB"), or null when it may be read.
 */
export function pickedFileProblem(
  t: Translate,
  locale: string,
  file: File,
  maxBytes = MAX_UPLOAD_BYTES,
): string | null {
  const name = file.name.slice(0, 80) || "?";
  if (file.size > maxBytes)
    return t("upload.fileTooLarge", {
      name,
      size: megabytes(locale, file.size),
      max: megabytes(locale, maxBytes),
    });
  if (file.type && !file.type.startsWith("image/")) return t("upload.fileNotImage", { name });
  return null;
}

/**
 * A page's form with images may carry MAX_MEDIA of them at the image limit and
 * some room: one image over its own limit then reaches the form's handler, which
 * says so next to its field and keeps what was typed. Larger bodies still get 413.
 */
export const MAX_FORM_BODY_BYTES = MAX_MEDIA * MAX_UPLOAD_BYTES + 8 * MB;

const formLimit = bodyLimit({ maxSize: MAX_FORM_BODY_BYTES });

/** `otherwise` (the node's body limit) for all but multipart forms of pages, which get MAX_FORM_BODY_BYTES. */
export function formBodyLimit(otherwise: MiddlewareHandler): MiddlewareHandler {
  return (c, next) => {
    const multipart = (c.req.header("content-type") ?? "").startsWith("multipart/form-data");
    return multipart && !c.req.path.startsWith("/api/") ? formLimit(c, next) : otherwise(c, next);
  };
}
