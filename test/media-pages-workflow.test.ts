/**
 * The media editor and the editorial workflow through the web pages, as members
 * use them: writing with a server preview, saving revisions, a publication with
 * an editor and a writer, submit → return with comments (general and inline) →
 * revise → approve → publish, the diff and restore of revisions, featuring.
 * Drafts stay with their writer and editors; a non-editor cannot approve; bad
 * input is a 4xx and writes nothing.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createDraft } from "../src/media/articles.ts";
import { publishArticle } from "../src/media/workflow.ts";
import { createPost, textPost } from "../src/social/posts.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ana: SignedIn; // editor of the publication
let ben: SignedIn; // writer
let cy: SignedIn; // a member, no role
after(() => node.close());

const db = () => node.node.db.db;
const count = async (
  table: "articles" | "article_revisions" | "article_comments" | "groups" | "uploads",
) =>
  Number(
    (
      await db()
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );
const articleRow = (id: string) =>
  db().selectFrom("articles").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

function form(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

before(async () => {
  node = await startTestNode({ host: "127.0.171.1" });
  for (const username of ["ana", "ben", "cy"])
    await createMember(node, { username, password: "long enough" });
  ana = await signIn(node, "ana", "long enough");
  ben = await signIn(node, "ben", "long enough");
  cy = await signIn(node, "cy", "long enough");
});

test("the editor: login required, preview without saving, bad input 422 and nothing written", async () => {
  const anon = await fetch(`${node.url}/media/new`, { redirect: "manual" });
  assert.equal(anon.status, 303);
  assert.match(anon.headers.get("location") ?? "", /^\/login/);

  const page = await ben.get("/media/new");
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<textarea id="f-body" name="body"/);
  assert.match(html, /name="intent" value="preview"/);
  assert.match(html, /<script src="\/static\/media-editor\.[^"]+\.js" defer><\/script>/);

  const before = await count("articles");
  const preview = await ben.postMultipart(
    "/media/new",
    form({
      intent: "preview",
      title: "Draft",
      body: "## Hello\n\nSome *text*[^1].\n\n[^1]: A note.\n\n<script>alert(1)</script>",
    }),
  );
  assert.equal(preview.status, 200);
  const previewHtml = await preview.text();
  assert.match(previewHtml, /<h2 id="hello"/);
  assert.match(previewHtml, /<em>text<\/em>/);
  assert.match(previewHtml, /footnote/);
  assert.doesNotMatch(previewHtml, /<script>alert/);
  assert.equal(await count("articles"), before, "a preview writes nothing");

  const bad = await ben.postMultipart(
    "/media/new",
    form({ intent: "save", title: "", body: "text" }),
  );
  assert.equal(bad.status, 422);
  assert.match(await bad.text(), /Give the article a title/);
  const badTags = await ben.postMultipart(
    "/media/new",
    form({ intent: "save", title: "T", body: "x", tags: "ok no-dashes-allowed!" }),
  );
  assert.equal(badTags.status, 422);
  const nul = await ben.postMultipart(
    "/media/new",
    form({ intent: "save", title: "a\u0000b", body: "x\u0000" }),
  );
  assert.equal(nul.status, 422);
  const badLanguage = await ben.postMultipart(
    "/media/new",
    form({ intent: "save", title: "T", language: "english please" }),
  );
  assert.equal(badLanguage.status, 422);
  const notAPicture = new FormData();
  for (const [k, v] of Object.entries({
    intent: "save",
    title: "With cover",
    body: "x",
    coverAlt: "alt",
  }))
    notAPicture.set(k, v);
  notAPicture.set("cover", new Blob(["not an image"], { type: "image/png" }), "x.png");
  const uploadsBefore = await count("uploads");
  const badCover = await ben.postMultipart("/media/new", notAPicture);
  assert.equal(badCover.status, 422);
  assert.equal(await count("uploads"), uploadsBefore);
  assert.equal(await count("articles"), before, "refused saves write nothing");
  // A publication the writer does not write for.
  const stranger = await ben.postMultipart(
    "/media/new",
    form({ intent: "save", title: "T", publicationId: "0190a1b2-0000-7000-8000-000000000001" }),
  );
  assert.equal(stranger.status, 422);
  assert.equal(await count("articles"), before);
});

test("the live preview endpoint: members, CSRF token, sanitized fragment", async () => {
  const noToken = await fetch(`${node.url}/media/preview`, {
    method: "POST",
    headers: { cookie: ben.cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ body: "# Hi" }),
  });
  assert.equal(noToken.status, 403);
  const ok = await fetch(`${node.url}/media/preview`, {
    method: "POST",
    headers: {
      cookie: ben.cookie,
      "x-csrf-token": ben.csrf,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ body: "**bold** <img src=x onerror=alert(1)>" }),
  });
  assert.equal(ok.status, 200);
  const fragment = await ok.text();
  assert.match(fragment, /<strong>bold<\/strong>/);
  assert.doesNotMatch(fragment, /<img/, "raw HTML is not rendered");
  assert.doesNotMatch(fragment, /<html/);
  const script = await fetch(
    `${node.url}${/\/static\/media-editor\.[^"]+\.js/.exec(await (await ben.get("/media/new")).text())?.[0]}`,
  );
  assert.equal(script.status, 200);
  assert.match(script.headers.get("content-type") ?? "", /javascript/);
});

test("a publication's workflow: submit, return with comments, revise, approve, publish, feature", async () => {
  // Ana starts a publication (bad input first: nothing written).
  const groups = await count("groups");
  const badPub = await ana.post("/publications", { name: "no spaces", displayName: "" });
  assert.equal(badPub.status, 422);
  const nulPub = await ana.post("/publications", {
    name: "nulpub",
    displayName: "x\u0000",
    description: "\u0000",
  });
  assert.equal(nulPub.status, 422);
  assert.equal(await count("groups"), groups);
  const made = await ana.post("/publications", {
    name: "riverpress",
    displayName: "River Press",
    description: "News of the valley",
  });
  assert.equal(made.status, 303);
  assert.equal(made.headers.get("location"), "/publications/riverpress");
  const pubId = (
    await db()
      .selectFrom("groups")
      .select("id")
      .where("name", "=", "riverpress")
      .executeTakeFirstOrThrow()
  ).id;
  // Only editors change the masthead.
  assert.equal(
    (await cy.post("/publications/riverpress/staff", { username: "cy", role: "editor" })).status,
    403,
  );
  assert.equal(
    (await ana.post("/publications/riverpress/staff", { username: "nobody", role: "writer" }))
      .status,
    422,
  );
  // The last editor stays; someone added can be taken off the masthead again.
  assert.equal(
    (await ana.post("/publications/riverpress/staff", { username: "ana", role: "remove" })).status,
    422,
  );
  assert.equal(
    (await ana.post("/publications/riverpress/staff", { username: "cy", role: "writer" })).status,
    303,
  );
  assert.match(
    await (await ana.get("/publications/riverpress")).text(),
    /name="role" value="remove"/,
  );
  assert.equal(
    (await cy.post("/publications/riverpress/staff", { username: "cy", role: "remove" })).status,
    403,
  );
  assert.equal(
    (await ana.post("/publications/riverpress/staff", { username: "cy", role: "remove" })).status,
    303,
  );
  const staff = await db()
    .selectFrom("publication_staff")
    .select("account_id")
    .where("publication_id", "=", pubId)
    .execute();
  assert.equal(staff.length, 1, "only ana is left");
  assert.equal(
    (await ana.post("/publications/riverpress/staff", { username: "ben", role: "writer" })).status,
    303,
  );

  // Ben writes for it (the publication's page links to the editor with it chosen).
  const pubPage = await (await ben.get("/publications/riverpress")).text();
  const writeLink = /href="(\/media\/new\?publication=[^"]+)"/.exec(pubPage)?.[1] ?? "";
  assert.ok(writeLink);
  // Feed readers find the publication's feeds, and readers its newsletter.
  assert.match(
    pubPage,
    /<link rel="alternate" type="application\/rss\+xml"[^>]*href="\/groups\/riverpress\/feed\.rss"/,
  );
  assert.match(pubPage, /href="\/groups\/riverpress\/newsletter"/);
  const preselected = await (await ben.get(writeLink.replace(/&amp;/g, "&"))).text();
  assert.match(preselected, new RegExp(`<option value="${pubId}" selected>River Press</option>`));
  const saved = await ben.postMultipart(
    "/media/new",
    form({
      intent: "save",
      title: "The weir",
      summary: "A story.",
      body: "First paragraph.\n\nSecond paragraph.",
      tags: "water weir",
      language: "en",
      publicationId: pubId,
    }),
  );
  assert.equal(saved.status, 303);
  const id =
    /\/media\/articles\/([0-9a-f-]{36})\/edit/.exec(saved.headers.get("location") ?? "")?.[1] ?? "";
  assert.ok(id);
  const edit = await (await ben.get(`/media/articles/${id}/edit`)).text();
  assert.match(edit, /Submit to the editors/);
  assert.doesNotMatch(edit, /Approve/);

  // Drafts are private: a member with no role gets 404, on every page of it.
  for (const path of [
    `/media/articles/${id}/edit`,
    `/media/articles/${id}/revisions`,
    `/media/articles/${id}/revisions/1`,
  ])
    assert.equal((await cy.get(path)).status, 404, path);
  assert.equal((await cy.post(`/media/articles/${id}/approve`, {})).status, 404);
  // Not submitted yet: the editor cannot approve it (wrong state), the writer never can.
  assert.equal((await ana.post(`/media/articles/${id}/approve`, {})).status, 409);
  assert.equal((await ben.post(`/media/articles/${id}/submit`, {})).status, 303);
  assert.equal((await ben.post(`/media/articles/${id}/approve`, {})).status, 403);
  assert.equal((await articleRow(id)).state, "submitted");

  // Ana returns it: an empty review is refused, then a general note and an inline comment.
  assert.equal((await ana.post(`/media/articles/${id}/return`, { note: "" })).status, 422);
  assert.equal((await ana.post(`/media/articles/${id}/return`, { note: "a\u0000" })).status, 422);
  assert.equal((await articleRow(id)).state, "submitted");
  const review = await (await ana.get(`/media/articles/${id}/edit`)).text();
  assert.match(review, /name="quote_1" value="Second paragraph\."/);
  const returned = await ana.post(`/media/articles/${id}/return`, {
    note: "Good start.",
    quote_1: "Second paragraph.",
    comment_1: "Say more about the dam.",
  });
  assert.equal(returned.status, 303);
  assert.equal((await articleRow(id)).state, "returned");
  const seen = await (await ben.get(`/media/articles/${id}/edit`)).text();
  assert.match(seen, /Returned by ana/);
  assert.match(seen, /Good start\./);
  assert.match(
    seen,
    /<blockquote>Second paragraph\.<\/blockquote><p>Say more about the dam\.<\/p>/,
  );

  // Ben revises (revision 2) and submits again; Ana approves, publishes, features.
  const revised = await ben.postMultipart(
    `/media/articles/${id}/edit`,
    form({
      intent: "save",
      title: "The weir",
      summary: "A story.",
      body: "First paragraph.\n\nThe dam was built in 1962.",
      tags: "water weir",
      language: "en",
    }),
  );
  assert.equal(revised.status, 303);
  assert.equal((await articleRow(id)).revision, 2);
  assert.equal((await ben.post(`/media/articles/${id}/submit`, {})).status, 303);
  assert.equal((await ana.post(`/media/articles/${id}/approve`, { note: "Thanks" })).status, 303);
  assert.equal((await ana.post(`/media/articles/${id}/schedule`, { at: "yesterday" })).status, 422);
  assert.equal(
    (await ana.post(`/media/articles/${id}/schedule`, { at: "2000-01-01T10:00" })).status,
    422,
  );
  assert.equal((await articleRow(id)).state, "approved");
  assert.equal((await ana.post(`/media/articles/${id}/publish`, {})).status, 303);
  const row = await articleRow(id);
  assert.equal(row.state, "published");
  const publicPage = await fetch(`${node.url}/articles/${row.slug}`);
  assert.equal(publicPage.status, 200);
  const text = await publicPage.text();
  assert.match(text, /The dam was built in 1962\./);
  assert.match(text, /River Press/);
  assert.match(text, /@riverpress@/);

  assert.equal((await ana.post(`/media/articles/${id}/feature`, { featured: "1" })).status, 303);
  const front = await (await fetch(`${node.url}/publications/riverpress`)).text();
  assert.match(front, /<h2>Featured<\/h2><ul class="media-list featured">.*The weir/s);
  assert.match(front, /@riverpress@127\.0\.171\.1/);
  const log = await (await ana.get(`/media/articles/${id}/edit`)).text();
  for (const line of [
    "ben submitted it",
    "ana returned it with comments",
    "ben saved revision 2",
    "ana approved it",
    "ana published it",
    "ana featured it",
  ])
    assert.match(log, new RegExp(line), line);
});

test("revisions: the list, a diff, restore as a new revision", async () => {
  const saved = await ben.postMultipart(
    "/media/new",
    form({ intent: "save", title: "Own", body: "one\ntwo\nthree" }),
  );
  const id =
    /\/media\/articles\/([0-9a-f-]{36})\//.exec(saved.headers.get("location") ?? "")?.[1] ?? "";
  await ben.postMultipart(
    `/media/articles/${id}/edit`,
    form({ intent: "save", title: "Own", body: "one\n2\nthree" }),
  );
  const list = await (await ben.get(`/media/articles/${id}/revisions`)).text();
  assert.match(list, /Revision 2/);
  assert.match(list, /Revision 1/);
  const diff = await (await ben.get(`/media/articles/${id}/revisions/2`)).text();
  assert.match(diff, /<del><span class="diff-sign" aria-hidden="true">−<\/span>two<\/del>/);
  assert.match(diff, /<ins><span class="diff-sign" aria-hidden="true">\+<\/span>2<\/ins>/);
  assert.equal((await ben.get(`/media/articles/${id}/revisions/9`)).status, 404);
  const restored = await ben.post(`/media/articles/${id}/revisions/1/restore`, {});
  assert.equal(restored.status, 303);
  const row = await articleRow(id);
  assert.equal(row.revision, 3);
  assert.equal(row.body, "one\ntwo\nthree");
  assert.equal((await cy.post(`/media/articles/${id}/revisions/1/restore`, {})).status, 404);
  assert.equal((await articleRow(id)).revision, 3);
});

test("comment moderation: hide, lock and delete from the editor page; the public page follows", async () => {
  const s = socialOf(node);
  const ids = await db()
    .selectFrom("accounts")
    .select(["id", "username"])
    .where("username", "in", ["ana", "cy"])
    .execute();
  const anaRef = ids.find((a) => a.username === "ana") ?? { id: "", username: "" };
  const cyRef = ids.find((a) => a.username === "cy") ?? { id: "", username: "" };
  const draft = await createDraft(s, anaRef, { title: "Open letter", body: "Dear valley." });
  assert.ok(draft.ok);
  const published = await publishArticle(s, anaRef, draft.value.id);
  assert.ok(published.ok);
  const reply = await createPost(s, cyRef, {
    ...textPost("Rude words"),
    visibility: "public",
    inReplyToId: published.value.postId,
  });
  assert.ok(reply.ok);
  const publicPath = `/articles/${draft.value.slug}`;
  assert.match(await (await fetch(`${node.url}${publicPath}`)).text(), /Rude words/);
  const base = `/media/articles/${draft.value.id}/comments`;
  // Only the article's moderators.
  assert.equal((await cy.post(`${base}/${reply.value.id}/hide`, { hidden: "1" })).status, 403);
  assert.equal((await cy.post(`${base}/lock`, { locked: "1" })).status, 403);
  assert.equal((await ana.post(`${base}/not-an-id/hide`, { hidden: "1" })).status, 404);
  assert.match(await (await fetch(`${node.url}${publicPath}`)).text(), /Rude words/);
  const editPage = await (await ana.get(`/media/articles/${draft.value.id}/edit`)).text();
  assert.match(editPage, /Rude words/);
  assert.match(editPage, /Lock comments/);

  assert.equal((await ana.post(`${base}/${reply.value.id}/hide`, { hidden: "1" })).status, 303);
  assert.doesNotMatch(await (await fetch(`${node.url}${publicPath}`)).text(), /Rude words/);
  assert.match(await (await ana.get(`/media/articles/${draft.value.id}/edit`)).text(), /Hidden/);
  assert.equal((await ana.post(`${base}/lock`, { locked: "1" })).status, 303);
  assert.match(await (await fetch(`${node.url}${publicPath}`)).text(), /Comments are closed\./);
  assert.equal((await ana.post(`${base}/${reply.value.id}/delete`, {})).status, 303);
  const gone = await db()
    .selectFrom("posts")
    .select("deleted_at")
    .where("id", "=", reply.value.id)
    .executeTakeFirstOrThrow();
  assert.ok(gone.deleted_at);
});
