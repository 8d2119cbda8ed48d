/**
 * The node as Mastodon describes an instance: /api/v1/instance and
 * /api/v2/instance (docs.joinmastodon.org/entities/V1_Instance, /Instance),
 * custom emojis (none), and what apps may show empty: trends, filters,
 * announcements, suggestions, followed tags.
 */
import { createHash } from "node:crypto";
import { type Context, Hono } from "hono";
import { contactAdmin, findById } from "../../accounts/accounts.ts";
import { knownHosts } from "../../federation/remote-actors.ts";
import { memberUri } from "../../kernel/uris.ts";
import { MAX_POST_LENGTH } from "../../social/content.ts";
import { domainPolicies } from "../../social/moderation.ts";
import { membersPostingSince, nodeStats } from "../../social/node-stats.ts";
import {
  MAX_POLL_OPTION_LENGTH,
  MAX_POLL_OPTIONS,
  MAX_POLL_SECONDS,
  MIN_POLL_SECONDS,
} from "../../social/polls.ts";
import { MAX_MEDIA } from "../../social/posts.ts";
import { MAX_UPLOAD_BYTES } from "../../storage/images.ts";
import { optionalUser, requireUser } from "../auth.ts";
import { FreshCache, WriteClock } from "../cache.ts";
import type { ApiDeps, ApiEnv } from "../deps.ts";
import { notFound } from "../errors.ts";
import { loadAccount } from "../serializers/account.ts";

// ISO 639-1, the codes Mastodon offers for a post's language (LanguagesHelper::SUPPORTED_LOCALES).
const ISO_639_1 =
  "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu";

/** [{ code, name }] with English names, as Mastodon answers /api/v1/instance/languages. */
function isoLanguages() {
  const names = new Intl.DisplayNames(["en"], { type: "language", fallback: "code" });
  return ISO_639_1.split(" ").map((code) => ({ code, name: names.of(code) ?? code }));
}

// 4.3: grouped notifications (v2), filters v2, followed tags, the link timeline and the
// batch reads by id are answered, so apps (Mastodon.py checks versions) may call them.
export const VERSION = "4.3.0 (compatible; Synco 0.1.0)";

/**
 * `early`: only /api/v1/instance and /api/v2/instance, for requests without a token
 * (app.ts mounts these before the node's other middleware); others pass on.
 */
export function instanceRoutes(deps: ApiDeps, options: { early?: boolean } = {}): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const { config } = deps;
  const l = { db: deps.db, origin: config.origin, domain: config.domain };
  // Apps ask for the instance on every start and the document is the same for everyone:
  // its JSON is kept until this process writes anything (or a second passes), so a new
  // member, post or rule shows at once (without a write clock, it is built every time).
  const documents = new FreshCache<string, string>(deps.writes ?? new WriteClock(), {
    trustMs: deps.writes ? 1000 : 0,
    max: 4,
  });
  const cachedJson = async (c: Context, key: string, build: () => Promise<unknown>) =>
    c.body(await documents.through(key, async () => JSON.stringify(await build())), 200, {
      "content-type": "application/json",
    });

  const documentRoute =
    (key: string, build: () => Promise<unknown>) => (c: Context, next: () => Promise<void>) =>
      options.early && c.req.header("authorization") ? next() : cachedJson(c, key, build);

  const common = async () => {
    const coop = await deps.coop.get();
    const admin = await contactAdmin(deps.db);
    const contact = admin ? await loadAccount(l, memberUri(config.origin, admin)) : undefined;
    const rules = coop.rules
      .split(/\r?\n/)
      .map((r) => r.trim())
      .filter(Boolean)
      .map((text, i) => ({ id: String(i + 1), text, hint: "" }));
    return { coop, contact: contact ?? null, rules };
  };
  const configuration = {
    urls: { streaming: config.origin.replace(/^http/, "ws") },
    accounts: { max_featured_tags: 0, max_pinned_statuses: 5 },
    statuses: {
      max_characters: MAX_POST_LENGTH,
      max_media_attachments: MAX_MEDIA,
      characters_reserved_per_url: 23,
    },
    media_attachments: {
      supported_mime_types: [
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/avif",
        "image/heic",
      ],
      image_size_limit: MAX_UPLOAD_BYTES,
      image_matrix_limit: 2560 * 2560,
      video_size_limit: 0,
      video_frame_rate_limit: 0,
      video_matrix_limit: 0,
    },
    polls: {
      max_options: MAX_POLL_OPTIONS,
      max_characters_per_option: MAX_POLL_OPTION_LENGTH,
      min_expiration: MIN_POLL_SECONDS,
      max_expiration: MAX_POLL_SECONDS,
    },
    translation: { enabled: false },
  };

  app.get(
    "/api/v1/instance",
    documentRoute("v1", () => v1()),
  );
  const v1 = async () => {
    const { coop, contact, rules } = await common();
    const stats = await nodeStats(deps.db, config.origin);
    return {
      uri: config.domain,
      title: coop.name,
      short_description: coop.description,
      description: coop.description,
      email: "",
      version: VERSION,
      urls: { streaming_api: config.origin.replace(/^http/, "ws") },
      stats: {
        user_count: stats.users,
        status_count: stats.statuses,
        domain_count: stats.domains,
      },
      thumbnail: null,
      languages: ["en", "es"],
      registrations: coop.registration !== "closed",
      approval_required: coop.registration === "approval" || coop.registration === "invite",
      invites_enabled: coop.registration === "invite",
      configuration,
      contact_account: contact,
      rules,
    };
  };

  app.get(
    "/api/v2/instance",
    documentRoute("v2", () => v2()),
  );
  const v2 = async () => {
    const { coop, contact, rules } = await common();
    const since = new Date(Date.now() - 30 * 24 * 3600_000).toISOString();
    const active = await membersPostingSince(deps.db, config.origin, since);
    return {
      domain: config.domain,
      title: coop.name,
      version: VERSION,
      // No public repository address is configured yet: the node itself stands in for it.
      source_url: `${config.origin}/`,
      description: coop.description,
      usage: { users: { active_month: active } },
      thumbnail: {
        url: `${config.origin}/avatars/original/missing.png`,
        blurhash: null,
        versions: {},
      },
      icon: [],
      languages: ["en", "es"],
      configuration: {
        ...configuration,
        vapid: { public_key: "" },
        accounts: { ...configuration.accounts, max_display_name_length: 100 },
      },
      registrations: {
        enabled: coop.registration !== "closed",
        approval_required: coop.registration === "approval" || coop.registration === "invite",
        message: null,
        url: null,
      },
      api_versions: { mastodon: 2 },
      contact: { email: "", account: contact },
      rules,
    };
  };

  if (options.early) return app;

  app.get("/api/v1/instance/languages", (c) => c.json(isoLanguages()));
  // As Mastodon's show_domain_blocks: hidden (404) unless the admin shows them (SYNCO_SHOW_DOMAIN_BLOCKS).
  app.get("/api/v1/instance/domain_blocks", async (c) => {
    const viewer = optionalUser(c);
    if (config.showDomainBlocks === "disabled" || (config.showDomainBlocks === "users" && !viewer))
      throw notFound();
    const rows = (await domainPolicies(deps.db)).filter(
      (r) => r.policy === "silence" || r.policy === "suspend",
    );
    return c.json(
      rows.map((r) => ({
        domain: r.domain,
        digest: createHash("sha256").update(r.domain).digest("hex"),
        severity: r.policy,
        comment: r.reason || null,
      })),
    );
  });
  app.get("/api/v1/instance/rules", async (c) => c.json((await common()).rules));
  app.get("/api/v1/instance/peers", async (c) => {
    return c.json(await knownHosts(deps.db));
  });
  app.get("/api/v1/instance/activity", (c) => c.json([]));
  app.get("/api/v1/instance/extended_description", async (c) =>
    c.json({ updated_at: new Date(0).toISOString(), content: (await deps.coop.get()).description }),
  );
  app.get("/api/v1/custom_emojis", (c) => c.json([]));
  app.get("/api/v1/preferences", async (c) => {
    const me = requireUser(c, "read:accounts");
    const row = await findById(deps.db, me.id);
    return c.json({
      "posting:default:visibility": "public",
      "posting:default:sensitive": false,
      "posting:default:language": row?.language ?? null,
      "reading:expand:media": "default",
      "reading:expand:spoilers": false,
    });
  });
  // Answered, empty: apps ask for these on start and must not see errors.
  for (const path of [
    "/api/v1/trends",
    "/api/v1/trends/tags",
    "/api/v1/trends/statuses",
    "/api/v1/trends/links",
    "/api/v1/announcements",
    "/api/v1/featured_tags",
    "/api/v1/endorsements",
    "/api/v1/conversations",
    "/api/v1/domain_blocks",
  ])
    app.get(path, (c) => {
      optionalUser(c);
      return c.json([]);
    });
  app.get("/api/v2/suggestions", (c) => c.json([]));
  app.get("/api/v1/suggestions", (c) => c.json([]));
  return app;
}
