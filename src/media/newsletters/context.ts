/** What newsletters need from the node: the database, its origin, clock and secret (tokens). */
import type { Kysely } from "kysely";
import type { NewsletterListKind } from "../../db/schema/newsletters.ts";
import type { Schema } from "../../db/schema.ts";
import type { Clock } from "../../kernel/clock.ts";

export interface NewsletterContext {
  db: Kysely<Schema>;
  origin: string;
  domain: string;
  clock: Clock;
  /** Keys the confirm and unsubscribe links (tokens.ts). */
  secret: string;
}

/** A list: a member's blog or a group's (a publication's). */
export interface ListRef {
  kind: NewsletterListKind;
  id: string;
}

export const nowIso = (n: Pick<NewsletterContext, "clock">) => n.clock.now().toISOString();
