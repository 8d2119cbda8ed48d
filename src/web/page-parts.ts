/**
 * A long page (a timeline of posts) sent as the UTF-8 bytes of its parts, never
 * joined into one string first. Why (issue 24): V8 keeps a string of more than
 * 128 KB (64 K characters once one is outside Latin-1, such as an emoji or "↩")
 * in its large-object space, and making one — flattening the page's pieces before
 * encoding it — cost 1.5–4 ms on this machine, more than rendering the page.
 * Each part here stays small (a post's card is a few KB); their bytes are joined.
 * The page is the shell of layout.ts as every page has it, cut where the body goes.
 */
import { randomBytes } from "node:crypto";
import type { Context } from "hono";
import { raw } from "hono/html";
import { HtmlEscapedCallbackPhase, resolveCallback } from "hono/utils/html";
import type { WebEnv } from "./context.ts";
import { type Html, type LayoutExtras, layout } from "./layout.ts";

// Where the body goes in the shell: random per process, so no title or name can hold it.
const BODY = `syncobody${randomBytes(12).toString("hex")}`;

/** A part of a page: HTML, or its UTF-8 bytes already (in chunks, sent in order). */
export type PagePart = Html | string | readonly Uint8Array[];

/** Html (possibly awaiting parts) as a string, as Hono's c.html() resolves it. */
async function text(part: Html | string): Promise<string> {
  if (typeof part === "string") return part;
  const resolved = await resolveCallback(await part, HtmlEscapedCallbackPhase.Stringify, false, {});
  return resolved.toString();
}

async function bytes(part: PagePart): Promise<readonly Uint8Array[]> {
  return Array.isArray(part) ? part : [Buffer.from(await text(part as Html | string))];
}

/** The page (layout's shell around `parts`, in order) as an HTML response. */
export async function pageOfParts(
  c: Context<WebEnv>,
  title: string,
  parts: PagePart[],
  extras: LayoutExtras = {},
  status = 200,
): Promise<Response> {
  const shell = await text(layout(c, title, raw(BODY), extras));
  const at = shell.indexOf(BODY);
  const body = await Promise.all(parts.map(bytes));
  const chunks = [
    Buffer.from(shell.slice(0, at)),
    ...body.flat(),
    Buffer.from(shell.slice(at + BODY.length)),
  ];
  return c.body(Buffer.concat(chunks), status as 200, {
    "Content-Type": "text/html; charset=UTF-8",
  });
}

/**
 * Starts counting the viewer's unread notifications (the layout's badge) now,
 * beside the page's own queries rather than after them: on PostgreSQL, one
 * sequential round trip fewer. The layout reads this same answer.
 */
export function startBadge(c: Context<WebEnv>): void {
  const count = c.get("unreadNotifications");
  if (!count) return;
  const started = count();
  // The layout awaits it (and a failure surfaces there); unawaited until then, so caught here too.
  started.catch(() => undefined);
  c.set("unreadNotifications", () => started);
}
