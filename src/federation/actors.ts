/**
 * The node's actors: a Person per member at /users/{username}, the co-op's
 * Organization at /users/coop (it can post announcements), and an Application
 * "instance actor" at /actor that signs the node's own fetches. WebFinger answers
 * for all three (acct:coop@host, acct:instance@host). Deleted members answer
 * 410 Gone with a Tombstone, but keep their keys so their Delete can be signed.
 */
import type { Context, Federation } from "@fedify/fedify";
import {
  Application,
  Endpoints,
  Image,
  Organization,
  Person,
  PropertyValue,
  Tombstone,
} from "@fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import { bioHtml, parseFields } from "../accounts/profile.ts";
import { aliasesOf } from "../moving/aliases.ts";
import { movedTo } from "../moving/moves.ts";
import {
  COOP,
  type FederationDeps,
  findMember,
  INSTANCE,
  isDeleted,
  isVisible,
  type Member,
} from "./deps.ts";
import { registerFeatured } from "./social/featured.ts";

/** Fedify's types name the standard Temporal; at run time it uses the polyfill (Node 24 has none). */
const instant = (iso: string) =>
  Temporal.Instant.from(iso) as unknown as globalThis.Temporal.Instant;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Plain text bio to the HTML that ActivityStreams' summary carries. */
export function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .filter((p) => p.trim())
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("");
}

/** Profile fields as PropertyValue attachments (Mastodon's "profile metadata"). */
function profileFields(json: string): PropertyValue[] {
  return parseFields(json).map(
    (f) => new PropertyValue({ name: f.name, value: escapeHtml(f.value) }),
  );
}

async function keysFor(ctx: Context<void>, identifier: string) {
  const pairs = await ctx.getActorKeyPairs(identifier);
  return {
    publicKey: pairs[0]?.cryptographicKey ?? null,
    assertionMethods: pairs.map((p) => p.multikey),
  };
}

function endpoints(ctx: Context<void>, identifier: string) {
  return {
    inbox: ctx.getInboxUri(identifier),
    outbox: ctx.getOutboxUri(identifier),
    followers: ctx.getFollowersUri(identifier),
    following: ctx.getFollowingUri(identifier),
    endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
  };
}

async function person(ctx: Context<void>, deps: FederationDeps, m: Member) {
  const origin = deps.config.origin;
  // Moving in and out (moving/): the accounts the member moves from, and where they went.
  const [aliases, moved] = await Promise.all([
    aliasesOf(deps.db.db, m.id),
    movedTo(deps.db.db, ctx.getActorUri(m.username).href),
  ]);
  return new Person({
    id: ctx.getActorUri(m.username),
    preferredUsername: m.username,
    name: m.display_name || m.username,
    summary: bioHtml(m.bio),
    url: new URL(`/@${m.username}`, origin),
    published: instant(m.created_at),
    updated: instant(m.updated_at),
    manuallyApprovesFollowers: m.manually_approves === 1,
    discoverable: true,
    indexable: true,
    icon: m.avatar_path
      ? new Image({ url: new URL(`/media/${m.avatar_path}`, origin), mediaType: "image/webp" })
      : null,
    image: m.header_path
      ? new Image({ url: new URL(`/media/${m.header_path}`, origin), mediaType: "image/webp" })
      : null,
    attachments: profileFields(m.fields),
    featured: ctx.getFeaturedUri(m.username),
    aliases: aliases.map((uri) => new URL(uri)),
    successor: moved ? new URL(moved) : null,
    ...endpoints(ctx, m.username),
    ...(await keysFor(ctx, m.username)),
  });
}

/** The current Person of an active member (for Update(Person)); null otherwise. */
export async function memberActor(
  ctx: Context<void>,
  deps: FederationDeps,
  username: string,
): Promise<Person | null> {
  const member = await findMember(deps.db.db, username);
  return member && isVisible(member) ? person(ctx, deps, member) : null;
}

export function registerActors(federation: Federation<void>, deps: FederationDeps): void {
  const { db } = deps.db;
  registerFeatured(federation, deps);
  federation
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
      if (identifier === INSTANCE) {
        // Named "instance", not after the domain: GoToSocial WebFingers the owner of every
        // key that signs a GET (acct:instance@host must lead back here) and refuses a name
        // with a port or dots in it. Its collections exist, empty, because peers (Mastodon,
        // GoToSocial) expect them on every actor.
        return new Application({
          id: ctx.getActorUri(INSTANCE),
          preferredUsername: INSTANCE,
          name: deps.config.domain,
          summary: "The instance actor: it signs this node's own requests.",
          manuallyApprovesFollowers: true,
          url: new URL("/", deps.config.origin),
          featured: ctx.getFeaturedUri(INSTANCE),
          ...endpoints(ctx, INSTANCE),
          ...(await keysFor(ctx, INSTANCE)),
        });
      }
      if (identifier === COOP) {
        const coop = await deps.coop.get();
        return new Organization({
          id: ctx.getActorUri(COOP),
          preferredUsername: COOP,
          name: coop.name,
          summary: textToHtml(coop.description),
          url: new URL("/", deps.config.origin),
          discoverable: true,
          ...endpoints(ctx, COOP),
          ...(await keysFor(ctx, COOP)),
        });
      }
      const member = await findMember(db, identifier);
      if (!member || member.username !== identifier) return null;
      if (isDeleted(member)) {
        return new Tombstone({
          id: ctx.getActorUri(identifier),
          deleted: instant(member.updated_at),
        });
      }
      if (!isVisible(member)) return null;
      return person(ctx, deps, member);
    })
    .mapActorAlias("/actor", INSTANCE)
    // A member's profile page (/@name) answers WebFinger too, as on Mastodon: a search box
    // given a profile URL asks WebFinger about it when the page is not an actor document.
    .mapAlias((_ctx, resource) => {
      if (resource.origin !== new URL(deps.config.origin).origin) return null;
      const name = /^\/@([A-Za-z0-9_]+)$/.exec(resource.pathname)?.[1];
      return name ? { username: name } : null;
    })
    .mapHandle(async (_ctx, handle) => {
      const name = handle.toLowerCase();
      if (name === COOP || name === INSTANCE) return name;
      const member = await findMember(db, handle);
      return member && isVisible(member) ? member.username : null;
    })
    .setKeyPairsDispatcher(async (_ctx, identifier) => {
      if (identifier === COOP || identifier === INSTANCE) return deps.keys.get(identifier);
      const member = await findMember(db, identifier);
      // Deleted members keep their keys: the Delete(Person) must still be signed.
      if (!member || member.username !== identifier) return [];
      return deps.keys.get(member.id);
    });
}
