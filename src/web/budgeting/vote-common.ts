/**
 * What the ballot, results and import pages share: the process of the path as
 * the viewer may see it (a process of a group they cannot read is not found),
 * and the ballot's running-total script, served under its content hash.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Context } from "hono";
import { Hono } from "hono";
import { type Process, processById } from "../../governance/budgeting/processes/reads.ts";
import { findGroupById } from "../../groups/groups.ts";
import { canRead } from "../../groups/threads.ts";
import { InputError } from "../../kernel/errors.ts";
import type { WebEnv } from "../context.ts";
import type { GroupsDeps } from "../groups/render.ts";
import { seesCopy } from "./render.ts";

const script = readFileSync(new URL("../static/pb-ballot.js", import.meta.url));
const scriptHash = createHash("sha256").update(script).digest("base64url").slice(0, 12);

/** The ballot's progressive enhancement (the only script of the budgeting pages). */
export const ballotScriptPath = `/static/pb-ballot.${scriptHash}.js`;

export function ballotScriptRoute(): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  app.get(ballotScriptPath, (c) => {
    c.header("Cache-Control", "public, max-age=31536000, immutable");
    return c.body(new Uint8Array(script), 200, {
      "Content-Type": "text/javascript; charset=utf-8",
    });
  });
  return app;
}

/** The process of the path, if the viewer may see its group; else 404. */
export async function processForViewer(
  c: Context<WebEnv>,
  deps: Pick<GroupsDeps, "db" | "config">,
  id: string,
): Promise<Process> {
  const notFound = () => new InputError(c.get("t")("pbvote.problem.not-found"), 404);
  const p = await processById(deps, id);
  if (!p) throw notFound();
  // A copy of a process hosted elsewhere: only to our members who take part in it.
  if (!p.local) {
    if (!(await seesCopy(deps, p, c.get("viewer")))) throw notFound();
  } else if (p.group_id) {
    const group = await findGroupById(deps.db, p.group_id);
    const viewer = c.get("viewer");
    if (
      !group ||
      !(await canRead(
        deps.db,
        deps.config.origin,
        group,
        viewer ? { id: viewer.id, username: viewer.username } : null,
      ))
    )
      throw notFound();
  }
  return p;
}
