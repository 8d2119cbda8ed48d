/** What the media pages need from the node, passed in at composition (src/app.ts). */
import type { Config } from "../../config.ts";
import type { Db } from "../../db/database.ts";
import type { Clock } from "../../kernel/clock.ts";
import type { MediaContext } from "../../media/context.ts";
import type { RenderedCache } from "./rendered-cache.ts";

export interface MediaPagesDeps {
  db: Db["db"];
  config: Config;
  clock: Clock;
  /** Shared with tests and the bench, which look at what is cached. */
  cache?: RenderedCache;
}

export const mediaContext = (deps: MediaPagesDeps): MediaContext => ({
  db: deps.db,
  origin: deps.config.origin,
  domain: deps.config.domain,
  clock: deps.clock,
});
