/** What the opsroom pages need: the database, the origin and the clock. */
import type { Config } from "../../config.ts";
import type { Db } from "../../db/database.ts";
import type { OpsroomContext } from "../../economy/opsroom/context.ts";
import type { Clock } from "../../kernel/clock.ts";

export interface OpsroomDeps {
  db: Db["db"];
  config: Pick<Config, "origin">;
  clock: Clock;
  /** How often the wall's event stream looks for changes (ms); tests shorten it. */
  wallPollMs?: number;
}

export const opsroomContext = (deps: OpsroomDeps): OpsroomContext => ({
  db: deps.db,
  origin: deps.config.origin,
  clock: deps.clock,
});
