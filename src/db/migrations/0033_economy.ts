import type { Kysely } from "kysely";

/**
 * The economy (issue 20; tables in db/schema/economy.ts): catalogue, offers and
 * needs, agreements with their commitments and events, stocks, and the
 * mutual-credit ledger. Quantities are thousandths of a unit and money is minor
 * units, both bigint, so decrements and sums are exact.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("econ_specs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("local", "integer", (c) => c.notNull())
    .addColumn("group_uri", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("unit", "text", (c) => c.notNull())
    .addColumn("category", "text", (c) => c.notNull())
    .addColumn("images", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("proposed_by_uri", "text", (c) => c.notNull())
    .addColumn("decided_by_uri", "text")
    .addColumn("decision_note", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("econ_specs_group")
    .on("econ_specs")
    .columns(["group_uri", "status", "category", "name"])
    .execute();

  await db.schema
    .createTable("econ_proposals")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("local", "integer", (c) => c.notNull())
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("agent_uri", "text", (c) => c.notNull())
    .addColumn("agent_kind", "text", (c) => c.notNull())
    .addColumn("account_id", "text")
    .addColumn("group_uri", "text")
    .addColumn("spec_id", "text", (c) => c.references("econ_specs.id").onDelete("set null"))
    .addColumn("spec_uri", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("category", "text", (c) => c.notNull())
    .addColumn("unit", "text", (c) => c.notNull())
    .addColumn("quantity", "bigint", (c) => c.notNull())
    .addColumn("available", "bigint", (c) => c.notNull())
    .addColumn("minimum", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("place_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("latitude", "double precision")
    .addColumn("longitude", "double precision")
    .addColumn("available_from", "text")
    .addColumn("available_until", "text")
    .addColumn("reciprocity", "text", (c) => c.notNull())
    .addColumn("unit_price", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("currency", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("images", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("published_at", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  // The marketplace's browse: open proposals by purpose and category, newest first.
  await db.schema
    .createIndex("econ_proposals_browse")
    .on("econ_proposals")
    .columns(["status", "purpose", "category", "published_at"])
    .execute();
  await db.schema
    .createIndex("econ_proposals_agent")
    .on("econ_proposals")
    .columns(["agent_uri", "published_at"])
    .execute();
  await db.schema
    .createIndex("econ_proposals_account")
    .on("econ_proposals")
    .columns(["account_id"])
    .execute();

  await db.schema
    .createTable("econ_agreements")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("local", "integer", (c) => c.notNull())
    .addColumn("proposal_id", "text", (c) =>
      c.notNull().references("econ_proposals.id").onDelete("cascade"),
    )
    .addColumn("proposal_uri", "text", (c) => c.notNull())
    .addColumn("proposer_uri", "text", (c) => c.notNull())
    .addColumn("responder_uri", "text", (c) => c.notNull())
    .addColumn("account_id", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("quantity", "bigint", (c) => c.notNull())
    .addColumn("reciprocity", "text", (c) => c.notNull())
    .addColumn("total_price", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("currency", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("offer_activity_uri", "text", (c) => c.notNull().unique())
    .addColumn("answer_activity_uri", "text")
    .addColumn("transfer_id", "text")
    .addColumn("accepted_at", "text")
    .addColumn("fulfilled_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("econ_agreements_proposal")
    .on("econ_agreements")
    .columns(["proposal_id", "created_at"])
    .execute();
  await db.schema
    .createIndex("econ_agreements_responder")
    .on("econ_agreements")
    .columns(["responder_uri", "created_at"])
    .execute();
  await db.schema
    .createIndex("econ_agreements_proposer")
    .on("econ_agreements")
    .columns(["proposer_uri", "created_at"])
    .execute();

  await db.schema
    .createTable("econ_commitments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("agreement_id", "text", (c) =>
      c.notNull().references("econ_agreements.id").onDelete("cascade"),
    )
    .addColumn("reciprocal", "integer", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("provider_uri", "text", (c) => c.notNull())
    .addColumn("receiver_uri", "text", (c) => c.notNull())
    .addColumn("spec_uri", "text", (c) => c.notNull())
    .addColumn("unit", "text", (c) => c.notNull())
    .addColumn("quantity", "bigint", (c) => c.notNull())
    .addColumn("fulfilled", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("due_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("econ_commitments_agreement")
    .on("econ_commitments")
    .columns(["agreement_id"])
    .execute();

  await db.schema
    .createTable("econ_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("agreement_id", "text", (c) =>
      c.references("econ_agreements.id").onDelete("set null"),
    )
    .addColumn("commitment_id", "text", (c) =>
      c.references("econ_commitments.id").onDelete("set null"),
    )
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("provider_uri", "text", (c) => c.notNull())
    .addColumn("receiver_uri", "text", (c) => c.notNull())
    .addColumn("spec_uri", "text", (c) => c.notNull())
    .addColumn("unit", "text", (c) => c.notNull())
    .addColumn("quantity", "bigint", (c) => c.notNull())
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("recorded_by_uri", "text", (c) => c.notNull())
    .addColumn("occurred_at", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("econ_events_agreement")
    .on("econ_events")
    .columns(["agreement_id", "occurred_at"])
    .execute();

  await db.schema
    .createTable("econ_resources")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("owner_uri", "text", (c) => c.notNull())
    .addColumn("spec_uri", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("unit", "text", (c) => c.notNull())
    .addColumn("on_hand", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("econ_resources_one_each", ["owner_uri", "spec_uri", "unit"])
    .execute();

  await db.schema
    .createTable("econ_messages")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("agreement_id", "text", (c) =>
      c.notNull().references("econ_agreements.id").onDelete("cascade"),
    )
    .addColumn("author_uri", "text", (c) => c.notNull())
    .addColumn("account_id", "text")
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("econ_messages_agreement")
    .on("econ_messages")
    .columns(["agreement_id", "created_at"])
    .execute();

  await db.schema
    .createTable("econ_watches")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) =>
      c.notNull().references("accounts.id").onDelete("cascade"),
    )
    .addColumn("category", "text", (c) => c.notNull())
    .addColumn("spec_uri", "text")
    .addColumn("purpose", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("econ_watches_category")
    .on("econ_watches")
    .columns(["category", "account_id"])
    .execute();

  await db.schema
    .createTable("credit_ledgers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("group_id", "text", (c) =>
      c.notNull().unique().references("groups.id").onDelete("cascade"),
    )
    .addColumn("unit", "text", (c) => c.notNull())
    .addColumn("default_debit_limit", "bigint", (c) => c.notNull())
    .addColumn("default_credit_limit", "bigint", (c) => c.notNull())
    .addColumn("last_seq", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("credit_accounts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("ledger_id", "text", (c) =>
      c.notNull().references("credit_ledgers.id").onDelete("cascade"),
    )
    .addColumn("coop_uri", "text", (c) => c.notNull())
    .addColumn("balance", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("debit_limit", "bigint", (c) => c.notNull())
    .addColumn("credit_limit", "bigint", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("credit_accounts_one_each", ["ledger_id", "coop_uri"])
    .execute();

  await db.schema
    .createTable("credit_transfers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("ledger_id", "text", (c) =>
      c.notNull().references("credit_ledgers.id").onDelete("cascade"),
    )
    .addColumn("seq", "bigint")
    .addColumn("payer_account_id", "text", (c) => c.notNull().references("credit_accounts.id"))
    .addColumn("payee_account_id", "text", (c) => c.notNull().references("credit_accounts.id"))
    .addColumn("amount", "bigint", (c) => c.notNull())
    .addColumn("memo", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("agreement_uri", "text")
    .addColumn("payer_activity_uri", "text", (c) => c.notNull())
    .addColumn("payee_activity_uri", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("refused_reason", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("completed_at", "text")
    .addUniqueConstraint("credit_transfers_seq", ["ledger_id", "seq"])
    .execute();
  await db.schema
    .createIndex("credit_transfers_agreement")
    .on("credit_transfers")
    .columns(["agreement_uri"])
    .execute();

  await db.schema
    .createTable("credit_entries")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("transfer_id", "text", (c) =>
      c.notNull().references("credit_transfers.id").onDelete("cascade"),
    )
    .addColumn("account_id", "text", (c) => c.notNull().references("credit_accounts.id"))
    .addColumn("amount", "bigint", (c) => c.notNull())
    .addColumn("balance_after", "bigint", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("credit_entries_account")
    .on("credit_entries")
    .columns(["account_id", "created_at"])
    .execute();
}
