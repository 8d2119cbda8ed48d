import { type Kysely, PostgresAdapter, sql } from "kysely";

/**
 * An actor's counts as the client API shows them on every Account (issue 24):
 * statuses (posts not deleted, boosts included), the last one's time, followers
 * and following (accepted follows). Counting them per request read every post of
 * every author on a page (200 ms for a page of 40 statuses over 100,000 posts);
 * here triggers on posts and follows keep one row per actor in step, so every
 * write path — local, remote, tombstone, account deletion — is covered, and a
 * page reads one row per author.
 *
 * Counts move by ±1 (concurrent writers on PostgreSQL each add their own, under the
 * row's lock). last_status_at only moves forward on insert; when the latest post
 * goes, it is read again from the author's remaining posts.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await sql`CREATE TABLE actor_stats (
    actor_uri TEXT PRIMARY KEY,
    statuses_count INTEGER NOT NULL DEFAULT 0,
    last_status_at TEXT,
    followers_count INTEGER NOT NULL DEFAULT 0,
    following_count INTEGER NOT NULL DEFAULT 0
  )`.execute(db);
  if (postgres) await postgresTriggers(db);
  else await sqliteTriggers(db);
  // Backfill from what is there.
  await sql`INSERT INTO actor_stats (actor_uri, statuses_count, last_status_at)
    SELECT author_uri, count(*), max(created_at) FROM posts
    WHERE deleted_at IS NULL GROUP BY author_uri`.execute(db);
  await sql`INSERT INTO actor_stats (actor_uri, followers_count)
    SELECT followee_uri, count(*) FROM follows WHERE status = 'accepted' GROUP BY followee_uri
    ON CONFLICT (actor_uri) DO UPDATE SET followers_count = excluded.followers_count`.execute(db);
  await sql`INSERT INTO actor_stats (actor_uri, following_count)
    SELECT follower_uri, count(*) FROM follows WHERE status = 'accepted' GROUP BY follower_uri
    ON CONFLICT (actor_uri) DO UPDATE SET following_count = excluded.following_count`.execute(db);
}

// The statements each trigger runs, shared by both dialects (NEW/OLD as `n`/`o` placeholders).
const addPost = (n: string) => `INSERT INTO actor_stats (actor_uri, statuses_count, last_status_at)
      VALUES (${n}.author_uri, 1, ${n}.created_at)
      ON CONFLICT (actor_uri) DO UPDATE SET statuses_count = actor_stats.statuses_count + 1,
        last_status_at = CASE WHEN actor_stats.last_status_at IS NULL
          OR actor_stats.last_status_at < excluded.last_status_at
          THEN excluded.last_status_at ELSE actor_stats.last_status_at END`;
const dropPost = (o: string) => `UPDATE actor_stats SET statuses_count = statuses_count - 1,
      last_status_at = CASE WHEN last_status_at <= ${o}.created_at THEN (
        SELECT max(created_at) FROM posts
        WHERE author_uri = ${o}.author_uri AND deleted_at IS NULL AND id <> ${o}.id
      ) ELSE last_status_at END
      WHERE actor_uri = ${o}.author_uri`;
const addFollow = (n: string) => [
  `INSERT INTO actor_stats (actor_uri, followers_count) VALUES (${n}.followee_uri, 1)
      ON CONFLICT (actor_uri) DO UPDATE SET followers_count = actor_stats.followers_count + 1`,
  `INSERT INTO actor_stats (actor_uri, following_count) VALUES (${n}.follower_uri, 1)
      ON CONFLICT (actor_uri) DO UPDATE SET following_count = actor_stats.following_count + 1`,
];
const dropFollow = (o: string) => [
  `UPDATE actor_stats SET followers_count = followers_count - 1 WHERE actor_uri = ${o}.followee_uri`,
  `UPDATE actor_stats SET following_count = following_count - 1 WHERE actor_uri = ${o}.follower_uri`,
];

async function sqliteTriggers(db: Kysely<any>) {
  const run = (text: string) => sql.raw(text).execute(db);
  await run(`CREATE TRIGGER actor_stats_post_insert AFTER INSERT ON posts
    WHEN new.deleted_at IS NULL BEGIN ${addPost("new")}; END`);
  await run(`CREATE TRIGGER actor_stats_post_delete AFTER DELETE ON posts
    WHEN old.deleted_at IS NULL BEGIN ${dropPost("old")}; END`);
  // Only when what counts changed: counters and edits update posts often.
  await run(`CREATE TRIGGER actor_stats_post_update AFTER UPDATE ON posts
    WHEN (old.deleted_at IS NULL) IS NOT (new.deleted_at IS NULL)
      OR new.author_uri IS NOT old.author_uri OR new.created_at IS NOT old.created_at BEGIN
    ${dropPost("old").replace("WHERE actor_uri", "WHERE old.deleted_at IS NULL AND actor_uri")};
    INSERT INTO actor_stats (actor_uri, statuses_count, last_status_at)
      SELECT new.author_uri, 1, new.created_at WHERE new.deleted_at IS NULL
      ON CONFLICT (actor_uri) DO UPDATE SET statuses_count = actor_stats.statuses_count + 1,
        last_status_at = CASE WHEN actor_stats.last_status_at IS NULL
          OR actor_stats.last_status_at < excluded.last_status_at
          THEN excluded.last_status_at ELSE actor_stats.last_status_at END;
  END`);
  await run(`CREATE TRIGGER actor_stats_follow_insert AFTER INSERT ON follows
    WHEN new.status = 'accepted' BEGIN ${addFollow("new").join("; ")}; END`);
  await run(`CREATE TRIGGER actor_stats_follow_delete AFTER DELETE ON follows
    WHEN old.status = 'accepted' BEGIN ${dropFollow("old").join("; ")}; END`);
  await run(`CREATE TRIGGER actor_stats_follow_update_old AFTER UPDATE ON follows
    WHEN old.status = 'accepted' AND (new.status IS NOT 'accepted'
      OR new.follower_uri IS NOT old.follower_uri OR new.followee_uri IS NOT old.followee_uri)
    BEGIN ${dropFollow("old").join("; ")}; END`);
  await run(`CREATE TRIGGER actor_stats_follow_update_new AFTER UPDATE ON follows
    WHEN new.status = 'accepted' AND (old.status IS NOT 'accepted'
      OR new.follower_uri IS NOT old.follower_uri OR new.followee_uri IS NOT old.followee_uri)
    BEGIN ${addFollow("new").join("; ")}; END`);
}

async function postgresTriggers(db: Kysely<any>) {
  const run = (text: string) => sql.raw(text).execute(db);
  await run(`CREATE FUNCTION synco_actor_stats_posts() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.deleted_at IS NULL THEN
      ${dropPost("OLD")};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.deleted_at IS NULL THEN
      ${addPost("NEW")};
    END IF;
    RETURN NULL;
  END $$`);
  await run(`CREATE TRIGGER actor_stats_post_insert AFTER INSERT ON posts
    FOR EACH ROW WHEN (NEW.deleted_at IS NULL) EXECUTE FUNCTION synco_actor_stats_posts()`);
  await run(`CREATE TRIGGER actor_stats_post_delete AFTER DELETE ON posts
    FOR EACH ROW WHEN (OLD.deleted_at IS NULL) EXECUTE FUNCTION synco_actor_stats_posts()`);
  await run(`CREATE TRIGGER actor_stats_post_update AFTER UPDATE ON posts FOR EACH ROW
    WHEN ((OLD.deleted_at IS NULL) IS DISTINCT FROM (NEW.deleted_at IS NULL)
      OR NEW.author_uri IS DISTINCT FROM OLD.author_uri
      OR NEW.created_at IS DISTINCT FROM OLD.created_at)
    EXECUTE FUNCTION synco_actor_stats_posts()`);
  await run(`CREATE FUNCTION synco_actor_stats_follows() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.status = 'accepted' THEN
      ${dropFollow("OLD").join("; ")};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'accepted' THEN
      ${addFollow("NEW").join("; ")};
    END IF;
    RETURN NULL;
  END $$`);
  await run(`CREATE TRIGGER actor_stats_follow_insert AFTER INSERT ON follows
    FOR EACH ROW WHEN (NEW.status = 'accepted') EXECUTE FUNCTION synco_actor_stats_follows()`);
  await run(`CREATE TRIGGER actor_stats_follow_delete AFTER DELETE ON follows
    FOR EACH ROW WHEN (OLD.status = 'accepted') EXECUTE FUNCTION synco_actor_stats_follows()`);
  await run(`CREATE TRIGGER actor_stats_follow_update AFTER UPDATE ON follows FOR EACH ROW
    WHEN ((OLD.status = 'accepted' OR NEW.status = 'accepted') AND (
      OLD.status IS DISTINCT FROM NEW.status
      OR NEW.follower_uri IS DISTINCT FROM OLD.follower_uri
      OR NEW.followee_uri IS DISTINCT FROM OLD.followee_uri))
    EXECUTE FUNCTION synco_actor_stats_follows()`);
}
