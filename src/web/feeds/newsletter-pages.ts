/**
 * Newsletter pages. `/@{username}/newsletter` and `/groups/{name}/newsletter`:
 * the subscribe form (or, without SMTP, why there is none and the feeds
 * instead); for whoever runs the list, its subscriber counts, "send a post by
 * email" and how far each send got. The confirm and unsubscribe links
 * (`/newsletters/confirm|unsubscribe/{token}`) are in newsletter-links.ts.
 */
import { getLogger } from "@logtape/logtape";
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import type { Config } from "../../config.ts";
import type { Db } from "../../db/database.ts";
import type { Clock } from "../../kernel/clock.ts";
import { InputError } from "../../kernel/errors.ts";
import type { ListRef, NewsletterContext } from "../../media/newsletters/context.ts";
import {
  articleList,
  cancelSendOnPublish,
  sendOnPublish,
} from "../../media/newsletters/on-publish.ts";
import { type MailTransport, wakeNewsletterSender } from "../../media/newsletters/sender.ts";
import { queueSend, requeueUncertain, runsList, sendsOf } from "../../media/newsletters/sends.ts";
import {
  MAX_EMAIL_LENGTH,
  subscribe,
  subscriberCounts,
} from "../../media/newsletters/subscriptions.ts";
import { signToken } from "../../media/newsletters/tokens.ts";
import { htmlToText } from "../../social/content.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, field, formatDate, notice } from "../forms.ts";
import { type Html, layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { timeTag } from "../time.ts";
import { feedLinks, feedPath } from "./discovery.ts";

const logger = getLogger(["synco", "newsletters"]);

export interface NewsletterPagesDeps {
  db: Db;
  config: Config;
  clock: Clock;
  /** The node's SMTP transport; null: newsletters are off and the pages say why. */
  transport: MailTransport | null;
}

export const newsletterContext = (deps: NewsletterPagesDeps): NewsletterContext => ({
  db: deps.db.db,
  origin: deps.config.origin,
  domain: deps.config.domain,
  clock: deps.clock,
  secret: deps.config.secret,
});

interface ListPage {
  list: ListRef;
  name: string;
  /** The blog's or group's page, e.g. /@ann. */
  pagePath: string;
}

async function listFromPath(n: NewsletterContext, c: Context<WebEnv>): Promise<ListPage | null> {
  const handle = c.req.param("handle");
  if (handle) {
    const row = await n.db
      .selectFrom("accounts")
      .select(["id", "username", "display_name"])
      .where((eb) => eb(eb.fn("lower", ["username"]), "=", handle.slice(1).toLowerCase()))
      .where("status", "=", "active")
      .executeTakeFirst();
    return row
      ? {
          list: { kind: "member", id: row.id },
          name: row.display_name || row.username,
          pagePath: `/@${row.username}`,
        }
      : null;
  }
  const row = await n.db
    .selectFrom("groups")
    .select(["id", "name", "display_name"])
    .where("name", "=", (c.req.param("name") ?? "").toLowerCase())
    .where("visibility", "=", "public")
    .executeTakeFirst();
  return row
    ? {
        list: { kind: "group", id: row.id },
        name: row.display_name || row.name,
        pagePath: `/groups/${row.name}`,
      }
    : null;
}

/** The list's articles not yet published, and whether each is to be sent when it is. */
async function unpublishedArticles(n: NewsletterContext, list: ListRef) {
  return n.db
    .selectFrom("articles as a")
    .leftJoin("newsletter_article_intents as i", "i.article_id", "a.id")
    .select(["a.id", "a.title", "a.state", "i.article_id as intent"])
    .$if(list.kind === "member", (q) =>
      q.where("a.author_account_id", "=", list.id).where("a.publication_id", "is", null),
    )
    .$if(list.kind === "group", (q) => q.where("a.publication_id", "=", list.id))
    .where("a.state", "!=", "published")
    .orderBy("a.updated_at", "desc")
    .limit(10)
    .execute();
}

/** A title for each post: its own, else the start of its text. */
async function postTitles(n: NewsletterContext, ids: string[]) {
  const rows = ids.length
    ? await n.db
        .selectFrom("posts")
        .select(["id", "title", "content_html"])
        .where("id", "in", ids)
        .execute()
    : [];
  return new Map(rows.map((r) => [r.id, r.title || htmlToText(r.content_html).slice(0, 80)]));
}

/** Recent public posts of the list that could be sent (articles and threads first in mind). */
function sendablePosts(n: NewsletterContext, list: ListRef) {
  return n.db
    .selectFrom("posts")
    .select(["id", "title", "content_html", "created_at", "kind"])
    .where(list.kind === "member" ? "author_account_id" : "group_id", "=", list.id)
    .where("visibility", "=", "public")
    .where("deleted_at", "is", null)
    .where("reblog_of_id", "is", null)
    .where("in_reply_to_id", "is", null)
    .orderBy("id", "desc")
    .limit(20)
    .execute();
}

export function newsletterPages(deps: NewsletterPagesDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const n = newsletterContext(deps);
  const paths = [
    "/:handle{@[A-Za-z0-9_]{1,30}}/newsletter",
    "/groups/:name{[A-Za-z0-9_]{1,30}}/newsletter",
  ];

  async function ownerSection(c: Context<WebEnv>, page: ListPage): Promise<Html> {
    const viewer = c.get("viewer");
    if (!viewer) return html``;
    const runs = await runsList(n, viewer.id, page.list);
    // The node's admins see every list's counts (not its addresses), and send nothing.
    if (!runs && viewer.role !== "admin") return html``;
    const t = c.get("t");
    const counts = await subscriberCounts(n, page.list);
    if (!runs)
      return html`<section aria-labelledby="nl-owner"><h2 id="nl-owner">${t("feeds.newsletter.subscribers")}</h2>
        <p>${t("feeds.newsletter.counts", counts)}</p></section>`;
    const sends = await sendsOf(n, page.list);
    const sent = new Set(sends.map((s) => s.postId));
    const recent = await sendablePosts(n, page.list);
    const posts = recent.filter((p) => !sent.has(p.id));
    const sentTitles = await postTitles(n, [...sent]);
    const label = (p: { title: string; content_html: string; created_at: string }) =>
      `${formatDate(c.get("locale"), p.created_at)} · ${p.title || htmlToText(p.content_html).slice(0, 60)}`;
    const sendForm = !deps.transport
      ? html`<p class="notice">${t("feeds.newsletter.sendOff")}</p>`
      : posts.length === 0
        ? html`<p>${t("feeds.newsletter.noPosts")}</p>`
        : html`<form method="post" action="${safeUrl(page.pagePath)}/newsletter/send" class="stack">
            ${csrfField(c)}
            <div class="field"><label for="f-postId">${t("feeds.newsletter.sendPost")}</label>
              <select id="f-postId" name="postId">${posts.map((p) => html`<option value="${p.id}">${label(p)}</option>`)}</select>
              <p class="hint">${t("feeds.newsletter.sendHint")}</p></div>
            <button type="submit">${t("feeds.newsletter.sendButton")}</button>
          </form>`;
    const upcoming = deps.transport ? await unpublishedArticles(n, page.list) : [];
    const onPublish = upcoming.length
      ? html`<h3>${t("feeds.newsletter.onPublish")}</h3>
        <ul class="newsletter-upcoming">${upcoming.map(
          (
            a,
          ) => html`<li><form method="post" action="${safeUrl(page.pagePath)}/newsletter/on-publish" class="inline">
            ${csrfField(c)}<input type="hidden" name="articleId" value="${a.id}" />
            <input type="hidden" name="want" value="${a.intent ? "no" : "yes"}" />
            ${a.title || "…"} · ${a.intent ? t("feeds.newsletter.onPublish.set") : ""}
            <button type="submit" class="${a.intent ? "link" : "secondary"}">${t(a.intent ? "feeds.newsletter.onPublish.cancel" : "feeds.newsletter.onPublish.ask")}</button>
          </form></li>`,
        )}</ul>`
      : html``;
    return html`<section aria-labelledby="nl-owner"><h2 id="nl-owner">${t("feeds.newsletter.owner")}</h2>
      <p>${t("feeds.newsletter.counts", counts)}</p>
      <h3>${t("feeds.newsletter.send")}</h3>
      ${sendForm}
      ${onPublish}
      ${
        sends.length
          ? html`<h3>${t("feeds.newsletter.sends")}</h3>
            <ul class="newsletter-sends">${sends.map(
              (s) =>
                html`<li><strong>${sentTitles.get(s.postId) ?? "…"}</strong><br />
                  ${timeTag(c.get("locale"), s.createdAt)} ·
                  ${t("feeds.newsletter.sendState", { ...s.states, recipients: s.recipients })}
                  ${
                    s.states.uncertain && deps.transport
                      ? html`<form method="post" action="${safeUrl(page.pagePath)}/newsletter/resend" class="inline">
                          ${csrfField(c)}<input type="hidden" name="sendId" value="${s.id}" />
                          <button type="submit" class="secondary">${t("feeds.newsletter.resend")}</button></form>`
                      : ""
                  }</li>`,
            )}</ul>
            ${sends.some((s) => s.states.uncertain) ? html`<p class="hint">${t("feeds.newsletter.uncertainHint")}</p>` : ""}`
          : ""
      }
    </section>`;
  }

  async function render(
    c: Context<WebEnv>,
    page: ListPage,
    form: { email?: string; error?: string } = {},
    status = 200,
  ) {
    const t = c.get("t");
    const title = t("feeds.newsletter.title", { name: page.name });
    const subscribeForm = deps.transport
      ? html`${form.error ? errorSummary(c, { email: form.error }) : ""}
        <form method="post" action="${safeUrl(page.pagePath)}/newsletter" class="stack">
          ${csrfField(c)}
          ${field({ name: "email", type: "email", label: t("feeds.newsletter.email"), value: form.email ?? "", error: form.error, required: true, autocomplete: "email", maxlength: MAX_EMAIL_LENGTH })}
          <button type="submit">${t("feeds.newsletter.subscribe")}</button>
        </form>`
      : html`<p class="notice">${t("feeds.newsletter.noMail", { name: page.name })}</p>
        <ul>${(["rss", "atom", "json"] as const).map((f) => html`<li><a href="${safeUrl(feedPath(page.pagePath, f))}">${t(`feeds.link.${f}`, { title: page.name })}</a></li>`)}</ul>`;
    const body = html`<p class="muted"><a href="${safeUrl(page.pagePath)}">← ${page.name}</a></p>
      <h1>${title}</h1>
      ${notice(c.req.query("done")?.slice(0, 200))}
      ${deps.transport ? html`<p>${t("feeds.newsletter.intro", { name: page.name })}</p>` : ""}
      ${subscribeForm}
      ${await ownerSection(c, page)}`;
    return c.html(
      layout(c, title, body, { head: feedLinks(c, page.pagePath, page.name) }),
      status as 200,
    );
  }

  for (const path of paths) {
    app.get(path, async (c) => {
      const page = await listFromPath(n, c);
      return page ? render(c, page) : c.notFound();
    });

    app.post(path, async (c) => {
      const page = await listFromPath(n, c);
      if (!page) return c.notFound();
      const t = c.get("t");
      if (!deps.transport) throw new InputError(t("feeds.newsletter.problem.no-mail"), 409);
      const body = await c.req.parseBody();
      const email = typeof body.email === "string" ? body.email.slice(0, 1000) : "";
      const result = await subscribe(n, page.list, { email, language: c.get("locale") });
      if (!result.ok) return render(c, page, { email, error: t("feeds.newsletter.badEmail") }, 422);
      if (result.value.confirm) {
        const link = `${n.origin}/newsletters/confirm/${signToken(n.secret, "confirm", result.value.id)}`;
        const params = { name: page.name, coop: c.get("coop").name, link };
        try {
          await deps.transport.send({
            to: email.trim().toLowerCase(),
            subject: t("feeds.mail.confirm.subject", params),
            text: t("feeds.mail.confirm.body", params),
            html: String(html`<p>${t("feeds.mail.confirm.body", params)}</p>`).replace(
              /\n/g,
              "<br />",
            ),
            headers: {},
            messageId: `<confirm.${result.value.id}.${Date.now()}@${new URL(n.origin).hostname}>`,
          });
        } catch (error) {
          // Asking again sends a new link; the form must not become an error page.
          logger.error("Sending the confirm mail of {id} failed: {error}", {
            id: result.value.id,
            error,
          });
        }
      }
      const title = t("feeds.newsletter.checkTitle");
      // The same answer for a new, pending or confirmed address: nobody learns who subscribes.
      const answer = html`<h1>${title}</h1><p class="notice ok">${t("feeds.newsletter.checkInbox", { email: email.trim() })}</p>
        <p><a href="${safeUrl(page.pagePath)}">${page.name}</a></p>`;
      return c.html(layout(c, title, answer));
    });

    app.post(`${path}/send`, async (c) => {
      const viewer = requireViewer(c);
      const page = await listFromPath(n, c);
      if (!page) return c.notFound();
      const t = c.get("t");
      if (!deps.transport) throw new InputError(t("feeds.newsletter.problem.no-mail"), 409);
      const body = await c.req.parseBody();
      const postId = typeof body.postId === "string" ? body.postId.slice(0, 100) : "";
      const result = await queueSend(n, viewer, postId, page.list);
      if (!result.ok) {
        const status =
          result.reason === "forbidden" ? 403 : result.reason === "already-sent" ? 409 : 422;
        throw new InputError(t(`feeds.newsletter.problem.${result.reason}`), status);
      }
      wakeNewsletterSender();
      const done = t("feeds.newsletter.queued", { recipients: result.value.recipients });
      return redirectHere(c, `${page.pagePath}/newsletter?done=${encodeURIComponent(done)}`, 303);
    });

    app.post(`${path}/resend`, async (c) => {
      const viewer = requireViewer(c);
      const page = await listFromPath(n, c);
      if (!page) return c.notFound();
      const t = c.get("t");
      if (!deps.transport) throw new InputError(t("feeds.newsletter.problem.no-mail"), 409);
      const body = await c.req.parseBody();
      const sendId = typeof body.sendId === "string" ? body.sendId.slice(0, 100) : "";
      const result = await requeueUncertain(n, viewer, sendId, page.list);
      if (!result.ok)
        throw new InputError(
          t(`feeds.newsletter.problem.${result.reason}`),
          result.reason === "forbidden" ? 403 : 404,
        );
      wakeNewsletterSender();
      return redirectHere(c, `${page.pagePath}/newsletter`, 303);
    });

    app.post(`${path}/on-publish`, async (c) => {
      const viewer = requireViewer(c);
      const page = await listFromPath(n, c);
      if (!page) return c.notFound();
      const t = c.get("t");
      if (!deps.transport) throw new InputError(t("feeds.newsletter.problem.no-mail"), 409);
      const body = await c.req.parseBody();
      const articleId = typeof body.articleId === "string" ? body.articleId.slice(0, 100) : "";
      const found = await articleList(n, articleId);
      // The article must be this list's: the page's address says which list the form was for.
      if (!found || found.list.kind !== page.list.kind || found.list.id !== page.list.id)
        throw new InputError(t("feeds.newsletter.problem.not-found"), 404);
      if (!(await runsList(n, viewer.id, page.list)))
        throw new InputError(t("feeds.newsletter.problem.forbidden"), 403);
      if (body.want === "no") await cancelSendOnPublish(n, articleId);
      else {
        const result = await sendOnPublish(n, viewer, articleId);
        if (!result.ok) throw new InputError(t(`feeds.newsletter.problem.${result.reason}`), 409);
        if (result.value.queued) wakeNewsletterSender();
      }
      return redirectHere(c, `${page.pagePath}/newsletter`, 303);
    });
  }
  return app;
}
