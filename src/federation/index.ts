/**
 * The node's door to federation, without loading Fedify until it is needed:
 * the first federation request, the first look-up, or the worker finding work.
 * An idle node thus starts fast and small (Fedify costs ~300 ms and ~60 MB).
 */
import { EventEmitter } from "node:events";
import type { CoopSettingsStore } from "../accounts/coop.ts";
import type { Config } from "../config.ts";
import type { Db } from "../db/database.ts";
import type { FederationDeps } from "./deps.ts";
import type { FederationRuntime, QueueTuning } from "./federation.ts";
import { ActorKeys } from "./keys.ts";
import type { RemoteActor } from "./remote-actors.ts";

export class FederationGateway {
  readonly deps: FederationDeps;
  readonly #tuning: QueueTuning;
  readonly #wake = new EventEmitter();
  #runtime: Promise<FederationRuntime> | undefined;
  /** Cached answers to actor, WebFinger and NodeInfo requests (see middleware.ts). */
  readonly documents = new Map<
    string,
    { status: number; headers: [string, string][]; body: string; expires: number }
  >();

  constructor(
    parts: { config: Config; db: Db; coop: CoopSettingsStore },
    tuning: QueueTuning = {},
  ) {
    this.#tuning = tuning;
    this.#wake.setMaxListeners(0);
    this.deps = {
      config: parts.config,
      db: parts.db,
      coop: parts.coop,
      keys: new ActorKeys(parts.db.db),
      invalidate: () => this.documents.clear(),
    };
  }

  get loaded(): boolean {
    return this.#runtime !== undefined;
  }

  load(): Promise<FederationRuntime> {
    this.#runtime ??= import("./federation.ts").then((m) =>
      m.buildFederation(this.deps, this.#tuning),
    );
    return this.#runtime;
  }

  /** Tells this process's relay that an event was just recorded (others poll). */
  nudge(): void {
    this.#wake.emit("work");
  }

  onNudge(listener: () => void): () => void {
    this.#wake.on("work", listener);
    return () => this.#wake.off("work", listener);
  }

  async lookup(query: string): Promise<RemoteActor | null> {
    return (await this.load()).lookup(query);
  }
}
