/**
 * The node's door to federation, without loading Fedify until it is needed:
 * the first federation request, the first look-up, or the worker finding work.
 * An idle node thus starts fast and small (Fedify costs ~300 ms and ~60 MB).
 */
import type { CoopSettingsStore } from "../accounts/coop.ts";
import type { Config } from "../config.ts";
import type { Db } from "../db/database.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";
import type { FederationDeps } from "./deps.ts";
import type { AreaExtension } from "./extensions.ts";
import type { FederationRuntime, QueueTuning } from "./federation.ts";
import { ActorKeys } from "./keys.ts";
import type { RemoteActor } from "./remote-actors.ts";

export class FederationGateway {
  readonly deps: FederationDeps;
  readonly #tuning: QueueTuning;
  readonly #extensions: () => Promise<readonly AreaExtension[]>;
  #runtime: Promise<FederationRuntime> | undefined;
  /** Cached answers to actor, WebFinger and NodeInfo requests (see middleware.ts). */
  readonly documents = new Map<
    string,
    { status: number; headers: [string, string][]; body: string; expires: number }
  >();

  /**
   * `extensions` is called once, when Fedify loads, and gives the areas' extensions
   * in order: pass dynamic imports so the areas' federation code loads lazily too, e.g.
   * `() => import("./federation/social/index.ts").then((m) => [m.socialExtension])`.
   */
  constructor(
    parts: { config: Config; db: Db; coop: CoopSettingsStore; clock?: Clock },
    options: {
      tuning?: QueueTuning;
      extensions?: () => Promise<readonly AreaExtension[]>;
    } = {},
  ) {
    this.#tuning = options.tuning ?? {};
    this.#extensions = options.extensions ?? (async () => []);
    this.deps = {
      config: parts.config,
      db: parts.db,
      coop: parts.coop,
      keys: new ActorKeys(parts.db.db, parts.clock ?? systemClock),
      clock: parts.clock ?? systemClock,
      invalidate: () => this.documents.clear(),
    };
  }

  get loaded(): boolean {
    return this.#runtime !== undefined;
  }

  load(): Promise<FederationRuntime> {
    this.#runtime ??= Promise.all([import("./federation.ts"), this.#extensions()]).then(
      ([m, extensions]) => m.buildFederation(this.deps, this.#tuning, extensions),
    );
    return this.#runtime;
  }

  async lookup(query: string): Promise<RemoteActor | null> {
    return (await this.load()).lookup(query);
  }

  /** Reads a remote person's counts (and recent posts, with backfill) from their server. */
  async refreshPerson(uri: string, options: { backfill: boolean }): Promise<void> {
    return (await this.load()).refreshPerson(uri, options);
  }
}
