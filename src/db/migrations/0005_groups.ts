import { type Kysely, PostgresAdapter, sql } from "kysely";

/**
 * Groups (FEP-1b12): groups, members, delegates of member co-ops, threads, this
 * co-op's federations, and moderators of remote groups. The co-op's assembly is
 * made here, once per node. Group names and usernames share the WebFinger
 * namespace: the groups code refuses a name a member holds, and a trigger on
 * accounts refuses a username a group holds (accounts must not import groups).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("groups")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("display_name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("visibility", "text", (c) => c.notNull())
    .addColumn("moderated", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("posting_restricted", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("voting_mode", "text", (c) => c.notNull().defaultTo("delegates"))
    .addColumn("created_by", "text", (c) => c.references("accounts.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("groups_name")
    .on("groups")
    .unique()
    .expression(sql`lower(name)`)
    .execute();

  await db.schema
    .createTable("group_members")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("group_id", "text", (c) => c.notNull().references("groups.id").onDelete("cascade"))
    .addColumn("actor_uri", "text", (c) => c.notNull())
    .addColumn("account_id", "text", (c) => c.references("accounts.id"))
    .addColumn("remote_id", "text", (c) => c.references("remote_actors.id").onDelete("cascade"))
    .addColumn("actor_kind", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("follow_activity_uri", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("group_members_actor", ["group_id", "actor_uri"])
    .execute();
  await db.schema
    .createIndex("group_members_account")
    .on("group_members")
    .column("account_id")
    .execute();

  await db.schema
    .createTable("group_delegates")
    .addColumn("group_id", "text", (c) => c.notNull().references("groups.id").onDelete("cascade"))
    .addColumn("coop_uri", "text", (c) => c.notNull())
    .addColumn("delegate_uri", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("group_delegates_pk", ["group_id", "coop_uri", "delegate_uri"])
    .execute();

  await db.schema
    .createTable("group_posts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("group_id", "text", (c) => c.references("groups.id").onDelete("cascade"))
    .addColumn("group_uri", "text", (c) => c.notNull())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("author_uri", "text", (c) => c.notNull())
    .addColumn("author_account_id", "text", (c) => c.references("accounts.id"))
    .addColumn("author_remote_id", "text", (c) =>
      c.references("remote_actors.id").onDelete("cascade"),
    )
    .addColumn("in_reply_to_id", "text")
    .addColumn("thread_id", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("content_html", "text", (c) => c.notNull())
    .addColumn("activity_json", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("deleted_at", "text")
    .execute();
  await db.schema
    .createIndex("group_posts_group")
    .on("group_posts")
    .columns(["group_uri", "thread_id", "id"])
    .execute();

  await db.schema
    .createTable("coop_affiliations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("group_uri", "text", (c) => c.notNull().unique())
    .addColumn("group_remote_id", "text", (c) =>
      c.notNull().references("remote_actors.id").onDelete("cascade"),
    )
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("follow_activity_uri", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("coop_delegates")
    .addColumn("affiliation_id", "text", (c) =>
      c.notNull().references("coop_affiliations.id").onDelete("cascade"),
    )
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("coop_delegates_pk", ["affiliation_id", "account_id"])
    .execute();

  await db.schema
    .createTable("remote_group_moderators")
    .addColumn("group_uri", "text", (c) => c.notNull())
    .addColumn("actor_uri", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("remote_group_moderators_pk", ["group_uri", "actor_uri"])
    .execute();

  // A username may not be a group's name (the other way round is checked in src/groups).
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`CREATE FUNCTION accounts_name_not_group() RETURNS trigger AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM groups WHERE lower(name) = lower(NEW.username)) THEN
          RAISE EXCEPTION 'username-taken: a group has this name';
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`.execute(db);
    await sql`CREATE TRIGGER accounts_name_not_group BEFORE INSERT ON accounts
      FOR EACH ROW EXECUTE FUNCTION accounts_name_not_group()`.execute(db);
  } else {
    await sql`CREATE TRIGGER accounts_name_not_group BEFORE INSERT ON accounts
      WHEN EXISTS (SELECT 1 FROM groups WHERE lower(name) = lower(NEW.username))
      BEGIN SELECT RAISE(ABORT, 'username-taken: a group has this name'); END`.execute(db);
  }

  // The co-op's assembly: one per node, every active member in it (FEP-1b12 Group actor,
  // distinct from the co-op's Organization actor /users/coop).
  const taken = await db
    .selectFrom("accounts")
    .select("id")
    .where(sql`lower(username)`, "=", "assembly")
    .executeTakeFirst();
  const now = new Date().toISOString();
  await db
    .insertInto("groups")
    .values({
      id: "00000000-0000-7000-8000-000000000001",
      name: taken ? "coop_assembly" : "assembly",
      kind: "assembly",
      display_name: "Assembly",
      description: "",
      visibility: "members",
      moderated: 0,
      posting_restricted: 0,
      voting_mode: "direct",
      created_by: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}
