/**
 * The wall: a group's board for a screen in the meeting room, large, that
 * refreshes itself. /groups/{name}/opsroom/events is a server-sent event
 * stream that says `changed` when anything on the board changed (it compares
 * the board's version every few seconds); the wall's script reloads on it.
 * Without script a meta refresh (in <noscript>) reloads every minute. Open streams are capped.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import {
  boardVersion,
  escalationsOf,
  federationBoard,
  groupBoard,
} from "../../economy/opsroom/board.ts";
import { canViewOpsroom } from "../../economy/opsroom/indicators.ts";
import { opsroomPath } from "../../economy/opsroom/uris.ts";
import { findGroup, type Group } from "../../groups/groups.ts";
import { InputError } from "../../kernel/errors.ts";
import type { WebEnv } from "../context.ts";
import { layout } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { opsroomAssets, opsroomHead, wallScriptPath } from "./assets.ts";
import type { OpsroomDeps } from "./deps.ts";
import { boardList, escalationsTable, membersTable } from "./views.ts";

/** At most this many walls watch at once per process (each holds a connection). */
export const MAX_WALL_STREAMS = 200;
const HEARTBEAT_MS = 20_000;

export function opsroomWall(deps: OpsroomDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  app.route("/", opsroomAssets());
  let open = 0;

  async function visibleGroup(c: Context<WebEnv>): Promise<Group> {
    const viewer = requireViewer(c);
    const group = await findGroup(deps.db, c.req.param("name") ?? "");
    if (!group || !(await canViewOpsroom(deps.db, deps.config.origin, group, viewer)))
      throw new InputError(c.get("t")("error.notFound"), 404);
    return group;
  }

  app.get("/groups/:name/opsroom/wall", async (c) => {
    const group = await visibleGroup(c);
    const t = c.get("t");
    const path = opsroomPath(group.name);
    const title = t("ops.board.of", { group: group.display_name || group.name });
    const federation =
      group.kind === "federation"
        ? html`<h2>${t("ops.members.title")}</h2>${membersTable(c, group, await federationBoard(deps.db, group.id))}
          <h2>${t("ops.escalations.title")}</h2>${escalationsTable(
            c,
            (await escalationsOf(deps.db, group.id, 50)).filter(
              (e) => e.state === "open" || e.state === "acknowledged",
            ),
          )}`
        : "";
    const body = html`<div id="ops-wall" class="ops-wall" data-events="${safeUrl(`${path}/events`)}">
      <h1>${title}</h1>
      <p class="muted" role="status">${t("ops.wall.updated", { at: deps.clock.now().toISOString().slice(0, 16).replace("T", " ") })}</p>
      ${boardList(c, await groupBoard(deps.db, group.id, deps.clock.now()))}
      ${federation}
    </div>`;
    return c.html(
      layout(c, title, body, {
        head: html`${opsroomHead}<noscript><meta http-equiv="refresh" content="60" /></noscript><script src="${safeUrl(wallScriptPath)}" defer></script>`,
      }),
    );
  });

  app.get("/groups/:name/opsroom/events", async (c) => {
    const group = await visibleGroup(c);
    if (open >= MAX_WALL_STREAMS)
      return c.text("Too many walls open", 503, { "Retry-After": "30" });
    open++;
    const encoder = new TextEncoder();
    const signal = c.req.raw.signal;
    const pollMs = deps.wallPollMs ?? 3000;
    let timer: ReturnType<typeof setInterval> | undefined;
    let beat: ReturnType<typeof setInterval> | undefined;
    let closed = false;
    const stop = () => {
      if (closed) return;
      closed = true;
      open--;
      clearInterval(timer);
      clearInterval(beat);
    };
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        let version = await boardVersion(deps.db, group.id);
        const send = (text: string) => {
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            stop();
          }
        };
        send(": opsroom\nretry: 5000\n\n");
        timer = setInterval(() => {
          boardVersion(deps.db, group.id)
            .then((now) => {
              if (now !== version && !closed) {
                version = now;
                send(`event: changed\ndata: ${JSON.stringify({ version })}\n\n`);
              }
            })
            .catch(() => undefined);
        }, pollMs);
        beat = setInterval(() => send(": heartbeat\n\n"), HEARTBEAT_MS);
        signal.addEventListener("abort", () => {
          stop();
          try {
            controller.close();
          } catch {
            // already closed by the client
          }
        });
      },
      cancel: stop,
    });
    return new Response(stream, {
      headers: {
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-cache, no-transform",
        "X-Accel-Buffering": "no",
      },
    });
  });

  return app;
}
