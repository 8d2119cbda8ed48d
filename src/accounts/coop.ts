/**
 * The co-op's own settings (name, description, rules, registration mode), kept
 * in the settings table. Read on every page, so cached briefly in memory.
 */
import type { Kysely } from "kysely";
import { type RegistrationMode, registrationModes } from "../config.ts";
import type { Schema } from "../db/schema.ts";

export interface CoopSettings {
  name: string;
  description: string;
  rules: string;
  registration: RegistrationMode;
}

const CACHE_MS = 2_000;
/** The name a node has until its admins give it the co-op's. */
export const DEFAULT_COOP_NAME = "Synco";

export class CoopSettingsStore {
  readonly #db: Kysely<Schema>;
  readonly #defaults: CoopSettings;
  #cached: { value: CoopSettings; at: number } | undefined;

  constructor(
    db: Kysely<Schema>,
    defaults: Partial<CoopSettings> & { registration: RegistrationMode },
  ) {
    this.#db = db;
    this.#defaults = { name: DEFAULT_COOP_NAME, description: "", rules: "", ...defaults };
  }

  async get(): Promise<CoopSettings> {
    if (this.#cached && Date.now() - this.#cached.at < CACHE_MS) return this.#cached.value;
    const rows = await this.#db
      .selectFrom("settings")
      .selectAll()
      .where("key", "like", "coop.%")
      .execute();
    const stored = Object.fromEntries(rows.map((r) => [r.key.slice(5), r.value]));
    const value: CoopSettings = {
      name: stored.name ?? this.#defaults.name,
      description: stored.description ?? this.#defaults.description,
      rules: stored.rules ?? this.#defaults.rules,
      registration: registrationModes.includes(stored.registration as RegistrationMode)
        ? (stored.registration as RegistrationMode)
        : this.#defaults.registration,
    };
    this.#cached = { value, at: Date.now() };
    return value;
  }

  async update(changes: Partial<CoopSettings>): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      for (const [key, value] of Object.entries(changes)) {
        if (value === undefined) continue;
        await trx
          .insertInto("settings")
          .values({ key: `coop.${key}`, value })
          .onConflict((oc) => oc.column("key").doUpdateSet({ value }))
          .execute();
      }
    });
    this.#cached = undefined;
  }
}
