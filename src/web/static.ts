/** The stylesheet and the pages' one shared script, read once and served under a content hash so browsers cache them for good. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

const css = readFileSync(new URL("./static/app.css", import.meta.url));
const hash = createHash("sha256").update(css).digest("base64url").slice(0, 12);

export const stylesheetPath = `/static/app.${hash}.css`;
export const stylesheet = css;

const postActions = readFileSync(new URL("./static/post-actions.js", import.meta.url));
const postActionsHash = createHash("sha256").update(postActions).digest("base64url").slice(0, 12);

/** Acting on posts in place (progressive enhancement; see static/post-actions.js). */
export const postActionsScriptPath = `/static/post-actions.${postActionsHash}.js`;
export const postActionsScript = postActions;
