/**
 * Blocking asks first (issue 23): /social/block?target=@someone answers a page
 * that names the person (web/actor-chips.ts) and says what a block does; only
 * its form blocks (POST /social/filters, filters.ts). Profiles and menus link
 * here, so a block works without JavaScript and never happens by a slip.
 */
import { Hono } from "hono";
import { InputError } from "../../kernel/errors.ts";
import { actorChip, actorChips, sentence } from "../actor-chips.ts";
import { confirmPage } from "../confirm.ts";
import type { WebEnv } from "../context.ts";
import { requireViewer } from "../session.ts";
import type { SocialPagesDeps } from "./deps.ts";
import { findTarget } from "./filters.ts";

export function blockConfirmPages(deps: SocialPagesDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();

  app.get("/social/block", async (c) => {
    requireViewer(c);
    const t = c.get("t");
    const target = await findTarget(deps, (c.req.query("target") ?? "").slice(0, 500));
    if (!target) throw new InputError(t("social.mod.notFound"), 404);
    const chip = (await actorChips(deps.db, deps.config.origin, [target.uri]))(target.uri);
    return confirmPage(c, {
      title: t("social.block.title", { name: chip.name }),
      question: sentence((p) => t("social.block.question", p), { who: actorChip(chip) }),
      action: "/social/filters",
      fields: { kind: "block", target: target.uri },
      confirm: t("social.filters.block"),
      back: "/social/filters",
      danger: true,
    });
  });

  return app;
}
