import { createAccount, findByUsername } from "../../src/accounts/accounts.ts";
import { logAdminAction } from "../../src/accounts/admin.ts";
import { createInvite } from "../../src/accounts/invites.ts";
import { issueAccountToken } from "../../src/accounts/tokens.ts";
import { openDatabase } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { systemClock } from "../../src/kernel/clock.ts";
import { guard, parse, UsageError } from "./args.ts";
import { configOrExit } from "./config.ts";

const help = `Usage: synco admin <subcommand> [options]

Subcommands:
  create-user --username U --email E --password P [--admin]
                 create an active member (an admin with --admin)
  invite [--uses N] [--days D]
                 create an invite link (single use and valid 7 days by default;
                 --uses 0 for unlimited uses, --days 0 for no expiry)
  reset-link --username U
                 print a one-time password reset link for a member (valid 24 hours)`;

const createUserHelp = `Usage: synco admin create-user --username U --email E --password P [--admin]`;
const inviteHelp = `Usage: synco admin invite [--uses N] [--days D]

Prints an invite link. --uses 0 allows unlimited uses; --days 0 never expires.`;

const resetLinkHelp = `Usage: synco admin reset-link --username U

Prints a link that lets the member choose a new password once, within 24 hours.
Their sessions end when they use it. For nodes without mail, or a locked-out admin.`;

async function withDatabase<T>(
  body: (
    db: Awaited<ReturnType<typeof openDatabase>>,
    config: ReturnType<typeof configOrExit>,
  ) => Promise<T>,
) {
  const config = configOrExit();
  const db = await openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(db.db);
    return await body(db, config);
  } finally {
    await db.close();
  }
}

async function createUser(args: string[]): Promise<number> {
  const parsed = parse(
    args,
    {
      username: { type: "string" },
      email: { type: "string" },
      password: { type: "string" },
      admin: { type: "boolean", default: false },
    },
    createUserHelp,
  );
  if (!parsed) return 0;
  const { username, email, password, admin } = parsed.values;
  if (typeof username !== "string" || typeof email !== "string" || typeof password !== "string") {
    throw new UsageError(
      `synco admin create-user: --username, --email and --password are required\n\n${createUserHelp}`,
    );
  }
  return withDatabase(async (db, config) => {
    const result = await createAccount(
      db.db,
      { username, email, password, role: admin ? "admin" : "member" },
      { passwordCost: config.passwordCost },
    );
    if (!result.ok) {
      console.error(
        `synco admin create-user: ${result.reason}${result.message ? `: ${result.message}` : ""}`,
      );
      return 1;
    }
    console.log(`Created ${admin ? "admin" : "member"} @${result.value.username}@${config.domain}`);
    return 0;
  });
}

async function invite(args: string[]): Promise<number> {
  const parsed = parse(
    args,
    { uses: { type: "string", default: "1" }, days: { type: "string", default: "7" } },
    inviteHelp,
  );
  if (!parsed) return 0;
  const uses = Number(parsed.values.uses);
  const days = Number(parsed.values.days);
  if (!Number.isInteger(uses) || uses < 0)
    throw new UsageError("synco admin invite: --uses must be a whole number ≥ 0");
  if (!Number.isFinite(days) || days < 0)
    throw new UsageError("synco admin invite: --days must be a number ≥ 0");
  return withDatabase(async (db, config) => {
    // The command line is the edge: the system clock is the node's clock here.
    const now = systemClock.now();
    const code = await createInvite(db.db, {
      now,
      createdBy: null,
      maxUses: uses === 0 ? null : uses,
      expiresAt: days === 0 ? null : new Date(now.getTime() + days * 86_400_000),
    });
    console.log(`${config.origin}/signup?invite=${code}`);
    return 0;
  });
}

async function resetLink(args: string[]): Promise<number> {
  const parsed = parse(args, { username: { type: "string" } }, resetLinkHelp);
  if (!parsed) return 0;
  const { username } = parsed.values;
  if (typeof username !== "string")
    throw new UsageError(`synco admin reset-link: --username is required\n\n${resetLinkHelp}`);
  return withDatabase(async (db, config) => {
    const account = await findByUsername(db.db, username);
    if (!account || !["active", "pending", "suspended"].includes(account.status)) {
      console.error(`synco admin reset-link: no member @${username}`);
      return 1;
    }
    const token = await issueAccountToken(db.db, account.id, "reset");
    await logAdminAction(db.db, {
      actorId: null,
      action: "member.reset-link",
      target: account.username,
      details: { via: "cli" },
    });
    console.log(`${config.origin}/password/reset/${token}`);
    return 0;
  });
}

export async function run(args: string[]): Promise<number> {
  return guard(async () => {
    const [sub, ...rest] = args;
    if (sub === "create-user") return createUser(rest);
    if (sub === "invite") return invite(rest);
    if (sub === "reset-link") return resetLink(rest);
    if (!sub || sub === "--help" || sub === "-h") {
      console.log(help);
      return sub ? 0 : 2;
    }
    throw new UsageError(`synco admin: unknown subcommand "${sub}"\n\n${help}`);
  });
}
