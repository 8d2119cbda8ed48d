/**
 * sanitize-html, loaded on first use. It brings an HTML parser and PostCSS
 * (~15 MB resident), which a node needs only when someone writes or a remote
 * post arrives — not to start and serve pages. `require` keeps the calls
 * synchronous, so callers use it exactly like the package itself.
 */
import { createRequire } from "node:module";
import type Sanitize from "sanitize-html";

const require = createRequire(import.meta.url);
let loaded: typeof Sanitize | undefined;
const load = (): typeof Sanitize => {
  loaded ??= require("sanitize-html") as typeof Sanitize;
  return loaded;
};

export type SanitizeOptions = Sanitize.IOptions;

export function sanitizeHtml(dirty: string, options?: SanitizeOptions): string {
  return load()(dirty, options);
}

/** A transform that renames a tag and sets attributes (e.g. rel on links). */
export function simpleTransform(
  tagName: string,
  attributes: Record<string, string>,
): Sanitize.Transformer {
  return (_tag, attribs) => ({ tagName, attribs: { ...attribs, ...attributes } });
}
