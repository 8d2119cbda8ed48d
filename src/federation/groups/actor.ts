/**
 * The Group actor of a group hosted here (FEP-1b12), at /groups/{name}. Fedify
 * serves one actor route (/users/{identifier}), so groups are served by
 * serve.ts and sign with their own key pairs (owner "group:{id}" in
 * federation_keys, made on first need like every actor's): RSA for HTTP
 * Signatures, Ed25519 for Object Integrity Proofs (FEP-8b32), published as the
 * actor's assertionMethod (FEP-521a) as Fedify does for members. Their inbox is the node's shared inbox: Fedify verifies
 * what arrives there and the groups' inbox handlers find the group from the
 * activity's addressing. Followers are the members; attributedTo is the
 * moderators collection; manuallyApprovesFollowers marks a moderated group;
 * postingRestrictedToMods is Lemmy's extension.
 */
import type { SenderKeyPair } from "@fedify/fedify";
import { CryptographicKey, Endpoints, Group, Multikey } from "@fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import type { Group as GroupRow } from "../../groups/groups.ts";
import { groupUri } from "../../kernel/uris.ts";
import { textToHtml } from "../actors.ts";
import type { FederationDeps } from "../deps.ts";

/** Fedify's types name the standard Temporal; at run time it uses the polyfill. */
export const instant = (iso: string) =>
  Temporal.Instant.from(iso) as unknown as globalThis.Temporal.Instant;

export const keyOwner = (group: Pick<GroupRow, "id">) => `group:${group.id}`;

export function groupUrls(origin: string, name: string) {
  const id = groupUri(origin, name);
  return {
    id,
    inbox: `${origin}/inbox`,
    outbox: `${id}/outbox`,
    followers: `${id}/followers`,
    featured: `${id}/featured`,
    moderators: `${id}/moderators`,
    key: `${id}#main-key`,
    /** Fedify's naming for members' Multikeys: one per key pair, in order. */
    multikeys: [`${id}#multikey-1`, `${id}#multikey-2`],
  };
}

/** The group's keys, to sign what the Group sends: RSA (HTTP Signatures), Ed25519 (proofs). */
export async function groupSender(deps: FederationDeps, group: GroupRow): Promise<SenderKeyPair[]> {
  const [rsa, ed25519] = await deps.keys.get(keyOwner(group));
  if (!rsa || !ed25519) throw new Error(`No key for group ${group.name}`);
  const urls = groupUrls(deps.config.origin, group.name);
  return [
    { keyId: new URL(urls.key), privateKey: rsa.privateKey },
    { keyId: new URL(urls.multikeys[1] as string), privateKey: ed25519.privateKey },
  ];
}

export async function groupActor(deps: FederationDeps, group: GroupRow): Promise<Group> {
  const pairs = await deps.keys.get(keyOwner(group));
  const [rsa] = pairs;
  const urls = groupUrls(deps.config.origin, group.name);
  return new Group({
    id: new URL(urls.id),
    preferredUsername: group.name,
    name: group.display_name,
    summary: textToHtml(group.description),
    url: new URL(urls.id),
    published: instant(group.created_at),
    updated: instant(group.updated_at),
    manuallyApprovesFollowers: group.moderated === 1,
    discoverable: group.visibility === "public",
    inbox: new URL(urls.inbox),
    outbox: new URL(urls.outbox),
    followers: new URL(urls.followers),
    featured: new URL(urls.featured),
    attribution: new URL(urls.moderators),
    endpoints: new Endpoints({ sharedInbox: new URL(urls.inbox) }),
    publicKey: rsa
      ? new CryptographicKey({
          id: new URL(urls.key),
          owner: new URL(urls.id),
          publicKey: rsa.publicKey,
        })
      : null,
    assertionMethods: pairs.map(
      (pair, i) =>
        new Multikey({
          id: new URL(urls.multikeys[i] as string),
          controller: new URL(urls.id),
          publicKey: pair.publicKey,
        }),
    ),
  });
}

/** The actor document as JSON-LD, with Lemmy's postingRestrictedToMods added. */
export async function groupDocument(deps: FederationDeps, group: GroupRow): Promise<unknown> {
  const json = (await (await groupActor(deps, group)).toJsonLd({ format: "compact" })) as Record<
    string,
    unknown
  >;
  const context = Array.isArray(json["@context"]) ? json["@context"] : [json["@context"]];
  return {
    ...json,
    "@context": [
      ...context,
      {
        lemmy: "https://join-lemmy.org/ns#",
        postingRestrictedToMods: "lemmy:postingRestrictedToMods",
      },
    ],
    postingRestrictedToMods: group.posting_restricted === 1,
  };
}
