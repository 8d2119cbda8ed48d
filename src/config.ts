/**
 * The node's configuration, parsed once from the environment. This is the only
 * module that reads process.env; everything else receives a Config.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join, resolve } from "node:path";
import { z } from "zod";

export const registrationModes = ["closed", "invite", "approval", "open"] as const;
export type RegistrationMode = (typeof registrationModes)[number];

export interface Config {
  /** Public host[:port], as it appears in actor ids and handles. */
  domain: string;
  /** Public origin: http for localhost and loopback, https otherwise. */
  origin: string;
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string;
  secret: string;
  registration: RegistrationMode;
  allowPrivateAddress: boolean;
  /** argon2id memory cost in KiB; tests use the minimum. */
  passwordCost: number;
  logLevel: "debug" | "info" | "warning" | "error";
  /** text: one readable line per record; json: JSON Lines for a log collector. */
  logFormat: "text" | "json";
  /** Addresses of reverse proxies whose X-Forwarded-For is believed (per-IP rate limits). */
  trustedProxies: string[];
  /** SMTP server for outgoing mail (smtp[s]://user:pass@host:port); null: the node sends no mail. */
  smtpUrl: string | null;
  /** The From address of outgoing mail. */
  mailFrom: string;
  /**
   * Who may read the node's domain blocks at /api/v1/instance/domain_blocks: nobody
   * (404, Mastodon's default), signed-in "users", or "all" (Mastodon's show_domain_blocks).
   */
  showDomainBlocks: "disabled" | "users" | "all";
  /** Bearer token that /metrics asks for; null: /metrics answers 404. */
  metricsToken: string | null;
  /** An S3-compatible bucket for media (uploads and the remote cache); null: DATA_DIR/media. */
  s3: S3Settings | null;
  /** The cache of other servers' media: total size and age before pruning. */
  remoteMedia: { maxBytes: number; maxAgeDays: number };
}

export interface S3Settings {
  /** e.g. https://s3.eu-central-1.amazonaws.com or http://127.0.0.1:9000; null: AWS's default. */
  endpoint: string | null;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** bucket in the path (MinIO, most self-hosted servers) instead of the host name. */
  forcePathStyle: boolean;
  /** Prepended to every key, e.g. "synco/". */
  prefix: string;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

const hostPort = z
  .string()
  .regex(/^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i, "must be host or host:port");

const schema = z.object({
  SYNCO_DOMAIN: hostPort.optional(),
  SYNCO_HOST: z
    .string()
    .refine((v) => isIP(v) !== 0 || v === "localhost", "must be an IP address or localhost")
    .default("127.0.0.1"),
  SYNCO_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  SYNCO_DATA_DIR: z.string().min(1).default("./data"),
  SYNCO_DATABASE_URL: z
    .string()
    .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, "must be sqlite:PATH or postgres://…")
    .optional(),
  SYNCO_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  SYNCO_REGISTRATION: z.enum(registrationModes).default("approval"),
  SYNCO_ALLOW_PRIVATE_ADDRESS: z.enum(["0", "1", ""]).default("0"),
  SYNCO_PASSWORD_COST: z.coerce
    .number()
    .int()
    .min(8)
    .max(1 << 22)
    .default(19456),
  SYNCO_LOG_LEVEL: z.enum(["debug", "info", "warning", "error"]).default("info"),
  SYNCO_LOG_FORMAT: z.enum(["text", "json"]).default("text"),
  SYNCO_TRUSTED_PROXIES: z
    .string()
    .refine(
      (v) => v.split(",").every((a) => a.trim() === "" || isIP(a.trim()) !== 0),
      "must be a comma-separated list of IP addresses",
    )
    .default(""),
  SYNCO_SMTP_URL: z
    .string()
    .regex(/^(smtps?:\/\/.+)?$/, "must be smtp://user:pass@host:port or smtps://…")
    .optional(),
  SYNCO_MAIL_FROM: z.string().email("must be an email address").optional(),
  SYNCO_SHOW_DOMAIN_BLOCKS: z.enum(["disabled", "users", "all"]).default("disabled"),
  SYNCO_METRICS_TOKEN: z
    .string()
    .regex(/^(\S{16,})?$/, "must be at least 16 characters without spaces")
    .optional(),
  SYNCO_S3_ENDPOINT: z
    .string()
    .regex(/^(https?:\/\/[^\s]+)?$/, "must be an http(s) URL")
    .optional(),
  // S3's rule for bucket names: 3–63 lower-case letters, digits, dots and hyphens.
  SYNCO_S3_BUCKET: z
    .string()
    .regex(/^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])?$/, "must be an S3 bucket name (3–63 characters)")
    .optional(),
  SYNCO_S3_REGION: z.string().min(1).default("us-east-1"),
  SYNCO_S3_ACCESS_KEY_ID: z.string().optional(),
  SYNCO_S3_SECRET_ACCESS_KEY: z.string().optional(),
  SYNCO_S3_FORCE_PATH_STYLE: z.enum(["0", "1", ""]).default("0"),
  SYNCO_S3_PREFIX: z
    .string()
    .regex(/^([A-Za-z0-9][A-Za-z0-9._-]*\/)*$/, "must be empty or path segments ending in /")
    .default(""),
  SYNCO_REMOTE_MEDIA_MAX_MB: z.coerce.number().int().min(0).max(10_000_000).default(1024),
  SYNCO_REMOTE_MEDIA_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
});

function s3Settings(e: z.output<typeof schema>): S3Settings | null {
  if (!e.SYNCO_S3_BUCKET) return null;
  if (!e.SYNCO_S3_ACCESS_KEY_ID || !e.SYNCO_S3_SECRET_ACCESS_KEY)
    throw new ConfigError(
      "SYNCO_S3_ACCESS_KEY_ID and SYNCO_S3_SECRET_ACCESS_KEY: both are needed with SYNCO_S3_BUCKET",
    );
  return {
    endpoint: e.SYNCO_S3_ENDPOINT || null,
    bucket: e.SYNCO_S3_BUCKET,
    region: e.SYNCO_S3_REGION,
    accessKeyId: e.SYNCO_S3_ACCESS_KEY_ID,
    secretAccessKey: e.SYNCO_S3_SECRET_ACCESS_KEY,
    forcePathStyle: e.SYNCO_S3_FORCE_PATH_STYLE === "1",
    prefix: e.SYNCO_S3_PREFIX,
  };
}

/** True for hosts whose origin is http: localhost and loopback addresses. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "");
  return h === "localhost" || h.endsWith(".localhost") || /^127\./.test(h) || h === "::1";
}

export function originFor(domain: string): string {
  const host = domain.startsWith("[")
    ? domain.slice(0, domain.indexOf("]") + 1)
    : domain.split(":")[0];
  return `${isLoopbackHost(host ?? domain) ? "http" : "https"}://${domain}`;
}

/**
 * Parses the environment. A bad value throws a ConfigError whose message is one
 * line naming the variable and what is wrong with it.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? "environment");
    throw new ConfigError(
      `${name}: ${issue?.message ?? "invalid"} (got ${JSON.stringify(env[name])})`,
    );
  }
  const e = parsed.data;
  const dataDir = resolve(e.SYNCO_DATA_DIR);
  // Unset, the public address is where a local run listens: localhost on the chosen port.
  const domain = (e.SYNCO_DOMAIN ?? `localhost:${e.SYNCO_PORT}`).toLowerCase();
  return {
    domain,
    origin: originFor(domain),
    host: e.SYNCO_HOST,
    port: e.SYNCO_PORT,
    dataDir,
    databaseUrl: e.SYNCO_DATABASE_URL ?? `sqlite:${join(dataDir, "synco.db")}`,
    secret: e.SYNCO_SECRET ?? "",
    registration: e.SYNCO_REGISTRATION,
    allowPrivateAddress: e.SYNCO_ALLOW_PRIVATE_ADDRESS === "1",
    passwordCost: e.SYNCO_PASSWORD_COST,
    logLevel: e.SYNCO_LOG_LEVEL,
    logFormat: e.SYNCO_LOG_FORMAT,
    trustedProxies: e.SYNCO_TRUSTED_PROXIES.split(",")
      .map((a) => a.trim())
      .filter(Boolean),
    smtpUrl: e.SYNCO_SMTP_URL || null,
    mailFrom: e.SYNCO_MAIL_FROM ?? `synco@${domain.replace(/:\d+$/, "").replace(/^\[|\]$/g, "")}`,
    showDomainBlocks: e.SYNCO_SHOW_DOMAIN_BLOCKS,
    metricsToken: e.SYNCO_METRICS_TOKEN || null,
    s3: s3Settings(e),
    remoteMedia: {
      maxBytes: e.SYNCO_REMOTE_MEDIA_MAX_MB * 1024 * 1024,
      maxAgeDays: e.SYNCO_REMOTE_MEDIA_MAX_AGE_DAYS,
    },
  };
}

/** Creates the data dir and, when no secret was given, reads or generates one there. */
export function prepareDataDir(config: Config): Config {
  mkdirSync(config.dataDir, { recursive: true });
  if (config.secret) return config;
  const file = join(config.dataDir, "secret");
  if (!existsSync(file))
    writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  return { ...config, secret: readFileSync(file, "utf8").trim() };
}
