/**
 * What a member does from a person's page: follow, unfollow (or withdraw a
 * request), mute, unmute, block (after a confirmation page), unblock, report.
 * Each is a form post naming the person by their actor URI (a member here or a
 * remote actor we know; anything else is a 404 and changes nothing) and answers
 * 303 back to the page it came from, with a line saying what was done.
 */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { follow, unfollow } from "../../federation/follows.ts";
import { findRemoteActor } from "../../federation/remote-actors.ts";
import { InputError } from "../../kernel/errors.ts";
import { localPathOrNull } from "../../kernel/safe-url.ts";
import { filterActor, MAX_REPORT_COMMENT, report, unfilterActor } from "../../social/moderation.ts";
import { forgetCounts, knownPerson, type PersonView, targetOf } from "../../social/people.ts";
import { profileTimeline } from "../../social/timelines.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, field, readForm } from "../forms.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { isPostId, type SocialPagesDeps, socialContext, viewerRef } from "../social/deps.ts";
import { postCard } from "../social/render.ts";
import { personLine } from "./render.ts";

/** Posts a report may carry, picked from the person's latest. */
const REPORTABLE_POSTS = 5;

export function personActionPages(deps: SocialPagesDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const s = socialContext(deps);
  const notFound = (c: Context<WebEnv>) => new InputError(c.get("t")("people.notFound"), 404);

  /** The person an actor URI names (at most 2,000 characters), or a 404. */
  async function person(c: Context<WebEnv>, uri: string | undefined): Promise<PersonView> {
    const found = uri && uri.length <= 2000 ? await knownPerson(s, uri) : null;
    if (!found) throw notFound(c);
    return found;
  }

  /** Back to the page the act came from (a path here only), saying what was done. */
  function back(c: Context<WebEnv>, form: Record<string, string>, p: PersonView, done: string) {
    const from = localPathOrNull((form.back ?? "").slice(0, 2000)) ?? p.path;
    const url = new URL(from, "http://here");
    url.searchParams.set("done", done);
    return redirectHere(c, `${url.pathname}${url.search}`, 303);
  }

  type Act = (c: Context<WebEnv>, p: PersonView) => Promise<string>;
  const acts: Record<string, Act> = {
    follow: async (c, p) => {
      const viewer = requireViewer(c);
      const t = c.get("t");
      const actor = p.remoteId ? await findRemoteActor(deps.db, { id: p.remoteId }) : null;
      const target = actor
        ? ({ kind: "remote", actor } as const)
        : ({
            kind: "local",
            account: { id: p.accountId ?? "", username: p.path.slice(2) },
          } as const);
      const result = await follow(deps.db, deps.config.origin, viewer, target, deps.clock);
      if (!result.ok && result.reason !== "already-following")
        throw new InputError(t(result.reason === "self" ? "people.you" : "people.gone"), 422);
      if (p.remoteId) await forgetCounts(deps.db, p.remoteId);
      const pending = result.ok && result.value.status === "pending";
      // A remote follow waits for their server's Accept, whether or not they approve by hand.
      const key = !pending
        ? "people.done.followed"
        : p.locked
          ? "people.done.requested"
          : "people.done.followSent";
      return t(key, { name: p.name });
    },
    unfollow: async (c, p) => {
      await unfollow(deps.db, deps.config.origin, requireViewer(c), p.uri);
      if (p.remoteId) await forgetCounts(deps.db, p.remoteId);
      return c.get("t")("people.done.unfollowed", { name: p.name });
    },
    mute: async (c, p) => {
      const result = await filterActor(s, requireViewer(c), targetOf(p), "mute");
      if (!result.ok) throw new InputError(c.get("t")("people.you"), 422);
      return c.get("t")("people.done.muted", { name: p.name });
    },
    unmute: async (c, p) => {
      await unfilterActor(s, requireViewer(c), p.uri, "mute");
      return c.get("t")("people.done.unmuted", { name: p.name });
    },
    block: async (c, p) => {
      const viewer = requireViewer(c);
      const result = await filterActor(s, viewer, targetOf(p), "block");
      if (!result.ok) throw new InputError(c.get("t")("people.you"), 422);
      // The member's own follow of them ends too (Undo(Follow) to a remote server).
      await unfollow(deps.db, deps.config.origin, viewer, p.uri);
      return c.get("t")("people.done.blocked", { name: p.name });
    },
    unblock: async (c, p) => {
      await unfilterActor(s, requireViewer(c), p.uri, "block");
      return c.get("t")("people.done.unblocked", { name: p.name });
    },
  };

  for (const [name, act] of Object.entries(acts)) {
    app.post(`/people/${name}`, async (c) => {
      requireViewer(c);
      const form = await readForm(c);
      const p = await person(c, form.actor);
      return back(c, form, p, await act(c, p));
    });
  }

  app.get("/people/block", async (c) => {
    requireViewer(c);
    const t = c.get("t");
    const p = await person(c, c.req.query("actor"));
    const title = t("people.blockConfirm.title", { name: p.name });
    const body = html`<h1>${title}</h1>
      <p class="lead">${t("people.blockConfirm.lead")}${p.local ? "" : ` ${t("people.blockConfirm.remote")}`}</p>
      ${personLine(p)}
      <form method="post" action="/people/block" class="confirm-actions">
        ${csrfField(c)}<input type="hidden" name="actor" value="${p.uri}" /><input type="hidden" name="back" value="${p.path}" />
        <button type="submit" class="danger">${t("people.blockConfirm.yes")}</button>
        <a class="button secondary" href="${safeUrl(p.path)}">${t("people.blockConfirm.cancel")}</a>
      </form>`;
    return c.html(layout(c, title, body));
  });

  async function reportPage(
    c: Context<WebEnv>,
    p: PersonView,
    errors: Record<string, string> = {},
    status = 200,
  ) {
    const t = c.get("t");
    const viewer = requireViewer(c);
    const title = t("people.report.title", { name: p.name });
    const recent = await profileTimeline(s, viewerRef(deps, viewer), p.uri, {
      limit: REPORTABLE_POSTS,
    });
    const body = html`<h1>${title}</h1>
      ${personLine(p)}
      <form method="post" action="/people/report" class="stack">
        ${csrfField(c)}${errorSummary(c, errors)}<input type="hidden" name="actor" value="${p.uri}" />
        ${
          recent.items.length
            ? html`<fieldset id="f-posts"><legend>${t("people.report.posts")}</legend>
          ${recent.items.map((v) => html`<label class="report-post"><input type="checkbox" name="post" value="${v.id}" /> ${t("people.report.include")}</label>${postCard(c, v, { bare: true })}`)}
        </fieldset>`
            : ""
        }
        ${field({ name: "comment", label: t("people.report.comment"), type: "textarea", error: errors.comment, hint: t("people.report.hint"), required: true, maxlength: MAX_REPORT_COMMENT })}
        ${!p.local ? html`<label><input type="checkbox" name="forward" value="on" /> ${t("people.report.forward")}</label>` : ""}
        <div><button type="submit">${t("people.report.submit")}</button></div>
      </form>`;
    return c.html(layout(c, title, body), status as 200);
  }

  app.get("/people/report", async (c) => {
    requireViewer(c);
    return reportPage(c, await person(c, c.req.query("actor")));
  });

  app.post("/people/report", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const form = await c.req.parseBody({ all: true });
    const one = (v: unknown) => (typeof v === "string" ? v : undefined);
    const p = await person(c, one(form.actor));
    const picked = ([] as unknown[]).concat(form.post ?? []);
    if (
      picked.length > REPORTABLE_POSTS ||
      !picked.every((v) => typeof v === "string" && isPostId(v))
    )
      return reportPage(c, p, { posts: t("people.report.badPosts") }, 422);
    const comment = one(form.comment) ?? "";
    const result = await report(s, viewer, {
      targetUri: p.uri,
      postIds: picked as string[],
      comment,
      forward: one(form.forward) === "on",
    });
    if (!result.ok)
      return reportPage(
        c,
        p,
        result.reason === "bad-comment"
          ? { comment: t("people.report.required") }
          : { posts: t("people.report.badPosts") },
        422,
      );
    return back(c, {}, p, t("people.done.reported", { name: p.name }));
  });

  return app;
}
