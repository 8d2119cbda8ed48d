/** The stylesheet, read once and served under a content hash so browsers cache it for good. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

const css = readFileSync(new URL("./static/app.css", import.meta.url));
const hash = createHash("sha256").update(css).digest("base64url").slice(0, 12);

export const stylesheetPath = `/static/app.${hash}.css`;
export const stylesheet = css;
