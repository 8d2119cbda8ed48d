/**
 * The opsroom's stylesheet and the wall's script, each served under its
 * content hash (the CSP allows scripts and styles from this origin only).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Hono } from "hono";
import { html } from "hono/html";
import type { WebEnv } from "../context.ts";
import { safeUrl } from "../safe-url.ts";

function asset(file: string, ext: string) {
  const body = readFileSync(new URL(file, import.meta.url));
  const hash = createHash("sha256").update(body).digest("base64url").slice(0, 12);
  return {
    body,
    path: `/static/opsroom-${file.replace(/^\.\//, "").replace(/\..*$/, "")}.${hash}.${ext}`,
  };
}

const css = asset("./opsroom.css", "css");
const script = asset("./wall.js", "js");
export const wallScriptPath = script.path;

/** The <head> lines of every opsroom page. */
export const opsroomHead = html`<link rel="stylesheet" href="${safeUrl(css.path)}" />`;

export function opsroomAssets(): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const serve = (a: { body: Buffer; path: string }, type: string) =>
    app.get(a.path, (c) => {
      c.header("Cache-Control", "public, max-age=31536000, immutable");
      return c.body(new Uint8Array(a.body), 200, { "Content-Type": type });
    });
  serve(css, "text/css; charset=utf-8");
  serve(script, "text/javascript; charset=utf-8");
  return app;
}
