/**
 * Resolves the @name and @name@server mentions in a member's text to actors:
 * local members directly, remote ones through WebFinger (cached). Unknown or
 * gone actors are left out. Shared by the web compose form and the client API.
 */
import type { Kysely } from "kysely";
import { findByUsername } from "../accounts/accounts.ts";
import type { Schema } from "../db/schema.ts";
import { memberUri, memberUrl } from "../kernel/uris.ts";
import { parseMentions } from "../social/content.ts";
import type { MentionTarget } from "../social/posts.ts";
import type { FederationGateway } from "./index.ts";

/** At most this many mentions of a post are looked up (as Mastodon limits them). */
const MAX_MENTIONS = 20;

export async function resolveMentions(
  deps: {
    db: Kysely<Schema>;
    config: { domain: string; origin: string };
    federation: Pick<FederationGateway, "lookup">;
  },
  text: string,
): Promise<MentionTarget[]> {
  const out: MentionTarget[] = [];
  for (const ref of parseMentions(text, deps.config.domain).slice(0, MAX_MENTIONS)) {
    if (!ref.host) {
      const account = await findByUsername(deps.db, ref.username);
      if (account?.status === "active")
        out.push({
          text: ref.text,
          uri: memberUri(deps.config.origin, account.username),
          url: memberUrl(deps.config.origin, account.username),
          accountId: account.id,
          remoteId: null,
        });
      continue;
    }
    const actor = await deps.federation.lookup(`${ref.username}@${ref.host}`).catch(() => null);
    if (actor && !actor.gone)
      out.push({
        text: ref.text,
        uri: actor.uri,
        url: actor.url ?? actor.uri,
        accountId: null,
        remoteId: actor.id,
      });
  }
  return out;
}
