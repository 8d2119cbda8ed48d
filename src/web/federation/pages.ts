/**
 * Pages of the federated network: a search box to find someone by handle or
 * address (here or on any server), their card with Follow / Unfollow, the
 * member's follow requests (Accept / Reject, and whether to approve by hand),
 * followers and following. Every page needs a signed-in member.
 */
import { type Context, Hono } from "hono";
import { html, raw } from "hono/html";
import { findByUsername } from "../../accounts/accounts.ts";
import type { Config } from "../../config.ts";
import type { Db } from "../../db/database.ts";
import {
  type FollowEntry,
  followersOf,
  followingOf,
  followOf,
} from "../../federation/follow-lists.ts";
import {
  acceptFollowRequest,
  type FollowTarget,
  follow,
  manuallyApproves,
  rejectFollowRequest,
  setManuallyApproves,
  unfollow,
} from "../../federation/follows.ts";
import type { FederationGateway } from "../../federation/index.ts";
import { findRemoteActor } from "../../federation/remote-actors.ts";
import { InputError } from "../../kernel/errors.ts";
import { sanitizeHtml, simpleTransform } from "../../kernel/sanitize-html.ts";
import { memberUri } from "../../kernel/uris.ts";
import { personPath } from "../../social/views.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, notice, readForm } from "../forms.ts";
import { type Html, layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";

export interface NetworkDeps {
  db: Db["db"];
  config: Pick<Config, "origin" | "domain">;
  federation: FederationGateway;
}

/** Someone to show on a card: a member of this node or a cached remote actor. */
interface Card {
  uri: string;
  name: string;
  handle: string;
  summaryHtml: string;
  profileUrl: string;
  locked: boolean;
  gone: boolean;
  target: FollowTarget;
}

/** Remote summaries are HTML from another server: only a few harmless tags survive. */
const cleanSummary = (summary: string) =>
  sanitizeHtml(summary, {
    allowedTags: ["p", "br", "a", "span"],
    allowedAttributes: { a: ["href"] },
    allowedSchemes: ["http", "https"],
    transformTags: { a: simpleTransform("a", { rel: "nofollow noopener ugc" }) },
  });

function networkNav(c: Context<WebEnv>): Html {
  const t = c.get("t");
  const here = new URL(c.req.url).pathname;
  const link = (path: string, key: Parameters<typeof t>[0]) =>
    html`<li><a href="${safeUrl(path)}"${here === path ? html` aria-current="page"` : ""}>${t(key)}</a></li>`;
  return html`<nav class="network-nav" aria-label="${t("network.nav")}"><ul>
    ${link("/network", "network.search.title")}
    ${link("/network/requests", "network.requests.title")}
    ${link("/network/followers", "network.followers.title")}
    ${link("/network/following", "network.following.title")}
  </ul></nav>`;
}

export function networkPages(deps: NetworkDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const { db, config } = deps;

  /** A member of this node named by a handle or one of our own URLs. */
  async function localCard(query: string): Promise<Card | null | undefined> {
    const q = query.trim().replace(/^@/, "");
    const escapedOrigin = config.origin.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const domain = config.domain.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const match =
      new RegExp(`^([A-Za-z0-9_]{1,30})(?:@${domain})?$`, "i").exec(q) ??
      new RegExp(`^${escapedOrigin}/(?:users/|@)([A-Za-z0-9_]{1,30})$`).exec(q);
    if (!match?.[1]) return undefined;
    const account = await findByUsername(db, match[1]);
    if (account?.status !== "active") return null;
    return {
      uri: memberUri(config.origin, account.username),
      name: account.display_name || account.username,
      handle: `@${account.username}@${config.domain}`,
      summaryHtml: "",
      profileUrl: `/@${account.username}`,
      locked: await manuallyApproves(db, account.id),
      gone: false,
      target: { kind: "local", account: { id: account.id, username: account.username } },
    };
  }

  async function remoteCard(query: string): Promise<Card | null> {
    const actor = await deps.federation.lookup(query);
    if (!actor) return null;
    return {
      uri: actor.uri,
      name: actor.name || actor.username,
      handle: `@${actor.handle}`,
      summaryHtml: cleanSummary(actor.summary),
      profileUrl: personPath(actor.handle) ?? actor.url ?? actor.uri,
      locked: actor.manually_approves === 1,
      gone: actor.gone === 1,
      target: { kind: "remote", actor },
    };
  }

  async function cardFor(query: string): Promise<Card | null> {
    const local = await localCard(query);
    return local === undefined ? remoteCard(query) : local;
  }

  async function renderCard(c: Context<WebEnv>, card: Card): Promise<Html> {
    const t = c.get("t");
    const viewer = requireViewer(c);
    const me = memberUri(config.origin, viewer.username);
    const existing = await followOf(db, me, card.uri);
    const button = (action: string, label: string, kind = "") =>
      html`<form method="post" action="${safeUrl(action)}" class="inline">
        ${csrfField(c)}<input type="hidden" name="uri" value="${card.uri}" />
        <button type="submit"${kind ? html` class="${kind}"` : ""}>${label}</button>
      </form>`;
    let actions: Html;
    if (card.uri === me) actions = html`<p>${t("network.self")}</p>`;
    else if (card.gone) actions = html`<p>${t("network.gone")}</p>`;
    else if (!existing) actions = button("/network/follow", t("network.follow"));
    else if (existing.status === "pending")
      actions = html`<span class="badge">${t("network.requested")}</span> ${button("/network/unfollow", t("network.cancelRequest"), "secondary")}`;
    else
      actions = html`<span class="badge">${t("network.following.badge")}</span> ${button("/network/unfollow", t("network.unfollow"), "secondary")}`;
    return html`<article class="card actor-card">
      <h2><a href="${safeUrl(card.profileUrl)}">${card.name}</a></h2>
      <p class="handle">${card.handle}</p>
      ${card.locked ? html`<p class="badge">${t("network.locked")}</p>` : ""}
      ${card.summaryHtml ? html`<div class="summary">${raw(card.summaryHtml)}</div>` : ""}
      <div class="actions">${actions}</div>
    </article>`;
  }

  app.get("/network", async (c) => {
    requireViewer(c);
    const t = c.get("t");
    const q = (c.req.query("q") ?? "").trim().slice(0, 500);
    let result: Html = html``;
    if (q) {
      const plausible = /^https?:\/\//i.test(q) || /^@?[^@\s/]+(@[^@\s/]+)?$/.test(q);
      const card = plausible ? await cardFor(q) : null;
      result = !plausible
        ? html`<p class="notice" role="status">${t("network.search.invalid")}</p>`
        : card
          ? await renderCard(c, card)
          : html`<p class="notice" role="status">${t("network.search.none", { query: q })}</p>`;
    }
    const done = c.req.query("done");
    const body = html`${networkNav(c)}
      <h1>${t("network.search.title")}</h1>
      ${notice(done && done.length < 300 ? done : undefined)}
      <form method="get" action="/network" role="search" class="search-form">
        <label for="f-q">${t("network.search.label")}</label>
        <input type="search" id="f-q" name="q" value="${q}" aria-describedby="f-q-hint" maxlength="500" />
        <button type="submit">${t("network.search.submit")}</button>
        <p class="hint" id="f-q-hint">${t("network.search.hint")}</p>
      </form>
      <div aria-live="polite">${result}</div>`;
    return c.html(layout(c, t("network.search.title"), body));
  });

  /** The card of an actor we already know (local or cached), by its URI. */
  async function knownCard(uri: string): Promise<Card> {
    const local = await localCard(uri);
    if (local) return local;
    const actor = await findRemoteActor(db, { uri });
    if (!actor) throw new InputError("Unknown actor", 404);
    return {
      uri: actor.uri,
      name: actor.name || actor.username,
      handle: `@${actor.handle}`,
      summaryHtml: "",
      profileUrl: personPath(actor.handle) ?? actor.url ?? actor.uri,
      locked: actor.manually_approves === 1,
      gone: actor.gone === 1,
      target: { kind: "remote", actor },
    };
  }

  app.post("/network/follow", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const card = await knownCard((await readForm(c)).uri ?? "");
    const result = await follow(db, config.origin, viewer, card.target, deps.federation.deps.clock);
    const done = !result.ok
      ? result.reason === "self"
        ? t("network.self")
        : result.reason === "gone"
          ? t("network.gone")
          : t("network.followed", { name: card.name })
      : result.value.status === "accepted"
        ? t("network.followed", { name: card.name })
        : t("network.followRequested", { name: card.name });
    return redirectHere(c, `/network?${new URLSearchParams({ q: card.uri, done })}`, 303);
  });

  app.post("/network/unfollow", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const card = await knownCard((await readForm(c)).uri ?? "");
    await unfollow(db, config.origin, viewer, card.uri);
    const done = t("network.unfollowed", { name: card.name });
    return redirectHere(c, `/network?${new URLSearchParams({ q: card.uri, done })}`, 303);
  });

  const list = (c: Context<WebEnv>, entries: FollowEntry[], actions?: (e: FollowEntry) => Html) =>
    html`<ul class="follow-list">${entries.map(
      (e) => html`<li>
        <a href="${safeUrl(e.profileUrl)}">${e.name}</a> <span class="handle">@${e.handle}</span>
        ${e.status === "pending" ? html`<span class="badge">${c.get("t")("network.pending")}</span>` : ""}
        ${actions ? actions(e) : ""}
      </li>`,
    )}</ul>`;

  app.get("/network/requests", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const pending = await followersOf(db, viewer.id, "pending");
    const manual = await manuallyApproves(db, viewer.id);
    const answer = (e: FollowEntry) => html`<span class="actions">
      <form method="post" action="/network/requests/${e.id}/accept" class="inline">${csrfField(c)}<button type="submit">${t("network.requests.accept")}</button></form>
      <form method="post" action="/network/requests/${e.id}/reject" class="inline">${csrfField(c)}<button type="submit" class="secondary">${t("network.requests.reject")}</button></form>
    </span>`;
    const body = html`${networkNav(c)}
      <h1>${t("network.requests.title")}</h1>
      ${notice(c.req.query("done")?.slice(0, 300))}
      ${pending.length ? list(c, pending, answer) : html`<p>${t("network.requests.none")}</p>`}
      <form method="post" action="/network/policy" class="stack">
        ${csrfField(c)}
        <fieldset><legend>${t("network.policy.legend")}</legend>
          <label><input type="checkbox" name="manual" value="on"${manual ? html` checked` : ""} /> ${t("network.policy.manual")}</label>
        </fieldset>
        <div><button type="submit">${t("network.policy.save")}</button></div>
      </form>`;
    return c.html(layout(c, t("network.requests.title"), body));
  });

  for (const decision of ["accept", "reject"] as const) {
    app.post(`/network/requests/:id/${decision}`, async (c) => {
      const viewer = requireViewer(c);
      const t = c.get("t");
      const id = c.req.param("id");
      const entry = (await followersOf(db, viewer.id, "pending")).find((e) => e.id === id);
      if (!entry) throw new InputError(t("error.notFound"), 404);
      if (decision === "accept")
        await acceptFollowRequest(db, viewer.id, id, deps.federation.deps.clock);
      else await rejectFollowRequest(db, viewer.id, id);
      const done = t(
        decision === "accept" ? "network.requests.accepted" : "network.requests.rejected",
        {
          name: entry.name,
        },
      );
      return redirectHere(c, `/network/requests?${new URLSearchParams({ done })}`, 303);
    });
  }

  app.post("/network/policy", async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    await setManuallyApproves(db, viewer.id, form.manual === "on");
    const done = c.get("t")("network.policy.saved");
    return redirectHere(c, `/network/requests?${new URLSearchParams({ done })}`, 303);
  });

  app.get("/network/followers", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const entries = await followersOf(db, viewer.id, "accepted");
    const body = html`${networkNav(c)}<h1>${t("network.followers.title")}</h1>
      ${entries.length ? list(c, entries) : html`<p>${t("network.followers.none")}</p>`}`;
    return c.html(layout(c, t("network.followers.title"), body));
  });

  app.get("/network/following", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const entries = await followingOf(db, viewer.id);
    const unfollowButton = (
      e: FollowEntry,
    ) => html`<form method="post" action="/network/unfollow" class="inline">
      ${csrfField(c)}<input type="hidden" name="uri" value="${e.uri}" />
      <button type="submit" class="secondary">${t(e.status === "pending" ? "network.cancelRequest" : "network.unfollow")}</button>
    </form>`;
    const body = html`${networkNav(c)}<h1>${t("network.following.title")}</h1>
      ${entries.length ? list(c, entries, unfollowButton) : html`<p>${t("network.following.none")}</p>`}`;
    return c.html(layout(c, t("network.following.title"), body));
  });

  return app;
}
