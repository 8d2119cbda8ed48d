/** What the commons pages and API need: the database, origin, clock and the release signer. */
import type { CommonsContext, ReleaseSigner } from "../../commons/context.ts";
import type { Config } from "../../config.ts";
import type { Db } from "../../db/database.ts";
import type { Clock } from "../../kernel/clock.ts";

export interface CommonsDeps {
  db: Db["db"];
  config: Pick<Config, "origin">;
  clock: Clock;
  /** The node's release signer, made on first use (federation/commons-signer.ts). */
  signer: () => Promise<ReleaseSigner>;
}

export async function commonsContext(deps: CommonsDeps): Promise<CommonsContext> {
  return {
    db: deps.db,
    origin: deps.config.origin,
    clock: deps.clock,
    signer: await deps.signer(),
  };
}
