/**
 * Comments on budget projects as ActivityStreams (docs/budgeting.md,
 * "Comments"): a Note in reply to the project (`inReplyTo` its id on the
 * host), its text as escaped paragraphs with the plain text in `source`.
 *
 * - In a copy, a comment a member here wrote goes to the host as our co-op's
 *   Create{Note} (the co-op vouches for its member, as for ballots and
 *   proposals); its removal by its author as the co-op's Delete.
 * - On the host, every comment stored (written here or arrived) goes to the
 *   Group's remote members as the Group's Announce{Note}, and a removal as the
 *   Group's Delete: the Group speaks for its process's threads, so copies take
 *   the Note from its Announce (a comment from a third node included).
 */
import { Announce, Create, Delete, Note, Source } from "@fedify/vocab";
import type { OutboxEventRow } from "../../db/outbox.ts";
import { findGroupById } from "../../groups/groups.ts";
import { coopUri } from "../../kernel/uris.ts";
import { escapeHtml, htmlToText } from "../../social/content.ts";
import { recipientOf } from "../audience.ts";
import { COOP, type FederationDeps } from "../deps.ts";
import type { EventHandler } from "../extensions.ts";
import { groupSender, groupUrls, instant } from "../groups/actor.ts";
import { remoteMembers } from "../groups/post-activities.ts";
import { findRemoteActor } from "../remote-actors.ts";

type Payload = { processId: string; projectId: string; commentId: string };

/** Plain text → the Note's HTML: escaped, paragraphs and line breaks kept. */
export const commentHtml = (text: string) =>
  text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("");

/** A Note's text: its plain `source` when it has one, else its HTML as text. */
export function commentText(note: Note): string {
  const source = note.source?.content;
  if (typeof source === "string" && (note.source?.mediaType ?? "text/plain") === "text/plain")
    return source;
  const html = note.content?.toString() ?? "";
  return htmlToText(html);
}

async function rowOf(deps: FederationDeps, commentId: string) {
  return deps.db.db
    .selectFrom("pb_comments as c")
    .innerJoin("pb_projects as p", "p.id", "c.project_id")
    .innerJoin("pb_processes as pr", "pr.id", "c.process_id")
    .select([
      "c.uri",
      "c.author_uri",
      "c.content",
      "c.created_at",
      "c.removed_at",
      "p.uri as project_uri",
      "pr.local",
      "pr.group_id",
      "pr.group_uri",
      "pr.imported",
    ])
    .where("c.id", "=", commentId)
    .executeTakeFirst();
}

function noteOf(row: {
  uri: string;
  author_uri: string;
  content: string;
  created_at: string;
  project_uri: string;
  group_uri: string;
}) {
  return new Note({
    id: new URL(row.uri),
    attribution: new URL(row.author_uri),
    replyTarget: new URL(row.project_uri),
    content: commentHtml(row.content),
    source: new Source({ content: row.content, mediaType: "text/plain" }),
    published: instant(row.created_at),
    to: new URL(row.group_uri),
  });
}

const activityUrl = (deps: FederationDeps, event: OutboxEventRow) =>
  new URL(`/activities/${event.id}`, deps.config.origin);

/** The host's Group, to tell its remote members (null when not hosted here). */
async function hostGroup(deps: FederationDeps, groupId: string | null) {
  if (!groupId) return null;
  const group = await findGroupById(deps.db.db, groupId);
  if (!group) return null;
  const members = await remoteMembers(deps, group);
  return members.length ? { group, members } : null;
}

export const relayCommentPosted: EventHandler<Payload> = async (ctx, deps, event, payload) => {
  const row = await rowOf(deps, payload.commentId);
  if (!row || row.removed_at || row.imported) return;
  const origin = deps.config.origin;
  if (row.local) {
    const to = await hostGroup(deps, row.group_id);
    if (!to) return;
    const urls = groupUrls(origin, to.group.name);
    await ctx.sendActivity(
      await groupSender(deps, to.group),
      to.members.map(recipientOf),
      new Announce({
        id: activityUrl(deps, event),
        actor: new URL(urls.id),
        object: noteOf(row),
        tos: [new URL(urls.followers)],
      }),
      { preferSharedInbox: true },
    );
    return;
  }
  // A copy: only what a member here wrote goes to the host.
  if (new URL(row.uri).origin !== new URL(origin).origin) return;
  const group = await findRemoteActor(deps.db.db, { uri: row.group_uri });
  if (!group) return;
  await ctx.sendActivity(
    { identifier: COOP },
    recipientOf(group),
    new Create({
      id: activityUrl(deps, event),
      actor: new URL(coopUri(origin)),
      object: noteOf(row),
      to: new URL(row.group_uri),
    }),
  );
};

export const relayCommentRemoved: EventHandler<Payload> = async (ctx, deps, event, payload) => {
  const row = await rowOf(deps, payload.commentId);
  if (!row || row.imported) return;
  const origin = deps.config.origin;
  if (row.local) {
    const to = await hostGroup(deps, row.group_id);
    if (!to) return;
    const urls = groupUrls(origin, to.group.name);
    await ctx.sendActivity(
      await groupSender(deps, to.group),
      to.members.map(recipientOf),
      new Delete({
        id: activityUrl(deps, event),
        actor: new URL(urls.id),
        object: new URL(row.uri),
        tos: [new URL(urls.followers)],
      }),
      { preferSharedInbox: true },
    );
    return;
  }
  if (new URL(row.uri).origin !== new URL(origin).origin) return;
  const group = await findRemoteActor(deps.db.db, { uri: row.group_uri });
  if (!group) return;
  await ctx.sendActivity(
    { identifier: COOP },
    recipientOf(group),
    new Delete({
      id: activityUrl(deps, event),
      actor: new URL(coopUri(origin)),
      object: new URL(row.uri),
      to: new URL(row.group_uri),
    }),
  );
};
