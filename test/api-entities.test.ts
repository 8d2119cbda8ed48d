/**
 * Field-by-field checks of every serializer against Mastodon's documented
 * entities (docs.joinmastodon.org/entities/…): each documented attribute is
 * present with its documented type ("?" marks a nullable one). Raw JSON via
 * fetch, so nothing is camel-cased or filled in by a client library.
 */
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import sharp from "sharp";
import { json, memberClient } from "./api-helpers.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

type Spec = Record<string, string>;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function check(entity: string, value: unknown, spec: Spec): void {
  assert.ok(value && typeof value === "object", `${entity} is an object`);
  const obj = value as Record<string, unknown>;
  for (const [field, type] of Object.entries(spec)) {
    const nullable = type.endsWith("?");
    const base = type.replace(/\?$/, "");
    assert.ok(field in obj, `${entity}.${field} is present`);
    const v = obj[field];
    if (v === null) {
      assert.ok(nullable, `${entity}.${field} may not be null`);
      continue;
    }
    const where = `${entity}.${field} is ${type} (got ${JSON.stringify(v)})`;
    if (base === "array") assert.ok(Array.isArray(v), where);
    else if (base === "date") assert.match(String(v), ISO, where);
    else if (base === "day") assert.match(String(v), /^\d{4}-\d{2}-\d{2}$/, where);
    else if (base === "url") assert.match(String(v), /^https?:\/\//, where);
    else if (base === "id") assert.ok(typeof v === "string" && v.length > 0, where);
    else if (base.includes("|")) assert.ok(base.split("|").includes(String(v)), where);
    else assert.equal(typeof v, base, where);
  }
}

const account: Spec = {
  id: "id",
  username: "string",
  acct: "string",
  url: "url",
  display_name: "string",
  note: "string",
  avatar: "url",
  avatar_static: "url",
  header: "url",
  header_static: "url",
  locked: "boolean",
  fields: "array",
  emojis: "array",
  bot: "boolean",
  group: "boolean",
  discoverable: "boolean?",
  noindex: "boolean?",
  memorial: "boolean?",
  indexable: "boolean",
  hide_collections: "boolean?",
  created_at: "date",
  last_status_at: "day?",
  statuses_count: "number",
  followers_count: "number",
  following_count: "number",
};
const status: Spec = {
  id: "id",
  uri: "string",
  url: "url?",
  created_at: "date",
  account: "object",
  content: "string",
  visibility: "public|unlisted|private|direct",
  sensitive: "boolean",
  spoiler_text: "string",
  media_attachments: "array",
  application: "object?",
  mentions: "array",
  tags: "array",
  emojis: "array",
  reblogs_count: "number",
  favourites_count: "number",
  replies_count: "number",
  in_reply_to_id: "id?",
  in_reply_to_account_id: "id?",
  reblog: "object?",
  poll: "object?",
  card: "object?",
  language: "string?",
  text: "string?",
  edited_at: "date?",
  favourited: "boolean",
  reblogged: "boolean",
  muted: "boolean",
  bookmarked: "boolean",
  pinned: "boolean",
  filtered: "array",
};
const media: Spec = {
  id: "id",
  type: "unknown|image|gifv|video|audio",
  url: "url",
  preview_url: "url?",
  remote_url: "url?",
  meta: "object",
  description: "string?",
  blurhash: "string?",
};
const poll: Spec = {
  id: "id",
  expires_at: "date?",
  expired: "boolean",
  multiple: "boolean",
  votes_count: "number",
  voters_count: "number?",
  options: "array",
  emojis: "array",
  voted: "boolean",
  own_votes: "array",
};
const relationship: Spec = {
  id: "id",
  following: "boolean",
  showing_reblogs: "boolean",
  notifying: "boolean",
  followed_by: "boolean",
  blocking: "boolean",
  blocked_by: "boolean",
  muting: "boolean",
  muting_notifications: "boolean",
  requested: "boolean",
  requested_by: "boolean",
  domain_blocking: "boolean",
  endorsed: "boolean",
  note: "string",
};

let node: TestNode;
let ada: Awaited<ReturnType<typeof memberClient>>;
let bo: Awaited<ReturnType<typeof memberClient>>;
const get = async (who: { token: string }, path: string, init: RequestInit = {}) => {
  const res = await fetch(`${node.url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${who.token}`,
      ...(init.body && typeof init.body === "string" ? { "content-type": "application/json" } : {}),
      ...init.headers,
    },
  });
  assert.ok(res.status < 300, `${path}: ${res.status} ${await res.clone().text()}`);
  return res.json() as Promise<Record<string, unknown> & Record<string, unknown>[]>;
};
const post = (who: { token: string }, path: string, body: unknown = {}, method = "POST") =>
  get(who, path, { method, body: JSON.stringify(body) });

before(async () => {
  node = await startTestNode({ host: "127.0.34.1" });
  ada = await memberClient(node, "ada");
  bo = await memberClient(node, "bo", ada.app);
});
after(() => node.close());

it("Account, CredentialAccount, Relationship", async () => {
  const me = await get(ada, "/api/v1/accounts/verify_credentials");
  check("CredentialAccount", me, { ...account, source: "object", role: "object" });
  check("CredentialAccount.source", me.source, {
    privacy: "public|unlisted|private|direct",
    sensitive: "boolean",
    language: "string?",
    note: "string",
    fields: "array",
    follow_requests_count: "number",
  });
  check("Account", await get(bo, `/api/v1/accounts/${me.id}`), account);
  check("Relationship", await post(bo, `/api/v1/accounts/${me.id}/follow`), relationship);
  const rels = await get(bo, `/api/v1/accounts/relationships?id[]=${me.id}`);
  check("Relationship", rels[0], relationship);
});

it("Status with MediaAttachment, Poll, Mention, Tag; Context, StatusSource, StatusEdit", async () => {
  const form = new FormData();
  form.set(
    "file",
    new Blob(
      [
        await sharp({ create: { width: 8, height: 8, channels: 3, background: "#333" } })
          .png()
          .toBuffer(),
      ],
      { type: "image/png" },
    ),
  );
  const res = await fetch(`${node.url}/api/v2/media`, {
    method: "POST",
    headers: { authorization: `Bearer ${ada.token}` },
    body: form,
  });
  const attachment = await json(res);
  check("MediaAttachment", attachment, media);
  const withMedia = await post(ada, "/api/v1/statuses", {
    status: "hello @bo #tag",
    media_ids: [attachment.id],
  });
  check("Status", withMedia, status);
  check("Status.account", withMedia.account, account);
  check("MediaAttachment", (withMedia.media_attachments as unknown[])[0], media);
  check("Mention", (withMedia.mentions as unknown[])[0], {
    id: "id",
    username: "string",
    url: "url",
    acct: "string",
  });
  check("Tag", (withMedia.tags as unknown[])[0], { name: "string", url: "url" });
  const polled = await post(ada, "/api/v1/statuses", {
    status: "q",
    poll: { options: ["a", "b"], expires_in: 600 },
  });
  check("Poll", polled.poll, poll);
  check("Poll.options[]", (polled.poll as { options: unknown[] }).options[0], {
    title: "string",
    votes_count: "number?",
  });
  const reply = await post(bo, "/api/v1/statuses", { status: "re", in_reply_to_id: withMedia.id });
  check("Status (reply)", reply, status);
  check("Context", await get(ada, `/api/v1/statuses/${withMedia.id}/context`), {
    ancestors: "array",
    descendants: "array",
  });
  check("StatusSource", await get(ada, `/api/v1/statuses/${withMedia.id}/source`), {
    id: "id",
    text: "string",
    spoiler_text: "string",
  });
  const [edit] = await get(ada, `/api/v1/statuses/${withMedia.id}/history`);
  check("StatusEdit", edit, {
    content: "string",
    spoiler_text: "string",
    sensitive: "boolean",
    created_at: "date",
    account: "object",
    poll: "object?",
    media_attachments: "array",
    emojis: "array",
  });
  const reblog = await post(bo, `/api/v1/statuses/${withMedia.id}/reblog`);
  check("Status (reblog)", reblog, status);
  check("Status.reblog", reblog.reblog, status);
});

it("Notification, Marker, List, Report, Search, Preferences, Application, Token, Error", async () => {
  const notes = await get(ada, "/api/v1/notifications");
  assert.ok(notes.length > 0);
  for (const n of notes)
    check("Notification", n, {
      id: "id",
      type: "mention|status|reblog|follow|follow_request|favourite|poll|update",
      created_at: "date",
      account: "object",
      group_key: "string",
    });
  const markers = await post(ada, "/api/v1/markers", {
    notifications: { last_read_id: (notes[0] as { id: string }).id },
  });
  check("Marker", markers.notifications, {
    last_read_id: "id",
    version: "number",
    updated_at: "date",
  });
  check("List", await post(ada, "/api/v1/lists", { title: "L" }), {
    id: "id",
    title: "string",
    replies_policy: "followed|list|none",
    exclusive: "boolean",
  });
  const bo_ = await get(ada, "/api/v1/accounts/lookup?acct=bo");
  const report = await post(ada, "/api/v1/reports", { account_id: bo_.id, comment: "spam" });
  check("Report", report, {
    id: "id",
    action_taken: "boolean",
    action_taken_at: "date?",
    category: "string",
    comment: "string",
    forwarded: "boolean",
    created_at: "date",
    status_ids: "array?",
    rule_ids: "array?",
    target_account: "object",
  });
  check("Search", await get(ada, "/api/v2/search?q=bo"), {
    accounts: "array",
    statuses: "array",
    hashtags: "array",
  });
  check("Preferences", await get(ada, "/api/v1/preferences"), {
    "posting:default:visibility": "public|unlisted|private|direct",
    "posting:default:sensitive": "boolean",
    "posting:default:language": "string?",
    "reading:expand:media": "default|show_all|hide_all",
    "reading:expand:spoilers": "boolean",
  });
  check("Application", await get(ada, "/api/v1/apps/verify_credentials"), {
    name: "string",
    website: "string?",
    scopes: "array",
    redirect_uris: "array",
  });
  const app = await json(
    await fetch(`${node.url}/api/v1/apps`, {
      method: "POST",
      body: new URLSearchParams({ client_name: "x", redirect_uris: "urn:ietf:wg:oauth:2.0:oob" }),
    }),
  );
  check("Application (new)", app, {
    id: "id",
    name: "string",
    website: "string?",
    scopes: "array",
    redirect_uri: "string",
    redirect_uris: "array",
    client_id: "string",
    client_secret: "string",
    client_secret_expires_at: "number",
  });
  const token = await json(
    await fetch(`${node.url}/oauth/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: app.client_id ?? "",
        client_secret: app.client_secret ?? "",
      }),
    }),
  );
  check("Token", token, {
    access_token: "string",
    token_type: "Bearer|bearer",
    scope: "string",
    created_at: "number",
  });
  check("Error", await json(await fetch(`${node.url}/api/v1/timelines/home`)), { error: "string" });
});

it("Instance (v2), V1_Instance, custom emojis, empty trends and filters", async () => {
  const v2 = await get(ada, "/api/v2/instance");
  check("Instance", v2, {
    domain: "string",
    title: "string",
    version: "string",
    source_url: "url",
    description: "string",
    usage: "object",
    thumbnail: "object",
    languages: "array",
    configuration: "object",
    registrations: "object",
    contact: "object",
    rules: "array",
  });
  check("Instance.configuration", v2.configuration, {
    urls: "object",
    accounts: "object",
    statuses: "object",
    media_attachments: "object",
    polls: "object",
    translation: "object",
  });
  check("Instance.registrations", v2.registrations, {
    enabled: "boolean",
    approval_required: "boolean",
    message: "string?",
  });
  const v1 = await get(ada, "/api/v1/instance");
  check("V1_Instance", v1, {
    uri: "string",
    title: "string",
    short_description: "string",
    description: "string",
    email: "string",
    version: "string",
    urls: "object",
    stats: "object",
    thumbnail: "string?",
    languages: "array",
    registrations: "boolean",
    approval_required: "boolean",
    invites_enabled: "boolean",
    configuration: "object",
    contact_account: "object?",
    rules: "array",
  });
  check("V1_Instance.stats", v1.stats, {
    user_count: "number",
    status_count: "number",
    domain_count: "number",
  });
  for (const path of [
    "/api/v1/custom_emojis",
    "/api/v1/trends/tags",
    "/api/v1/trends/statuses",
    "/api/v1/trends/links",
    "/api/v2/filters",
    "/api/v1/filters",
  ])
    assert.deepEqual(await get(ada, path), [], path);
});

it("Tag, FamiliarFollowers, directory and the profile extras apps ask for", async () => {
  check("Tag", await get(ada, "/api/v1/tags/Coop"), {
    name: "string",
    url: "url",
    history: "array",
    following: "boolean",
  });
  const boAccount = await get(ada, "/api/v1/accounts/lookup?acct=bo");
  const [familiar] = await get(ada, `/api/v1/accounts/familiar_followers?id[]=${boAccount.id}`);
  check("FamiliarFollowers", familiar, { id: "id", accounts: "array" });
  const directory = await get(ada, "/api/v1/directory?limit=5");
  for (const a of directory) check("Account (directory)", a, account);
  assert.deepEqual(await get(ada, `/api/v1/accounts/${boAccount.id}/featured_tags`), []);
  assert.ok(Array.isArray(await get(ada, `/api/v1/accounts/${boAccount.id}/lists`)));
  check(
    "Relationship (note)",
    await post(ada, `/api/v1/accounts/${boAccount.id}/note`, { comment: "x" }),
    relationship,
  );
});
