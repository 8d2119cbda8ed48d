/**
 * Static and uploaded files, and the cache of other servers' media. Uploads are
 * named by content hash, so they are cached for good; a remote object is served
 * with the type sniffed from its bytes (storage/sniff.ts), nosniff and a
 * sandboxing CSP, so nothing from another server runs in our origin.
 */
import { Hono } from "hono";
import type { Kysely } from "kysely";
import type { Config } from "../config.ts";
import type { Schema } from "../db/schema.ts";
import { remoteMediaFetcher } from "../federation/remote-media-fetch.ts";
import type { Clock } from "../kernel/clock.ts";
import { userAgent } from "../kernel/version.ts";
import { readMedia } from "../storage/images.ts";
import { type RemoteMediaDeps, remoteMediaObject } from "../storage/remote-media.ts";
import type { WebEnv } from "./context.ts";
import { postActionsScript, postActionsScriptPath, stylesheet, stylesheetPath } from "./static.ts";

const FOREVER = "public, max-age=31536000, immutable";
/** The remote file may change at its URL; a day is what browsers keep our copy. */
const A_DAY = "public, max-age=86400";

export interface AssetDeps {
  db: Kysely<Schema>;
  config: Config;
  clock: Clock;
  /** Tests give their own; by default a bounded fetch (federation/remote-media-fetch.ts). */
  fetcher?: RemoteMediaDeps["fetcher"];
}

export function assetRoutes(deps: AssetDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const remote: RemoteMediaDeps = {
    db: deps.db,
    media: deps.config,
    clock: deps.clock,
    fetcher:
      deps.fetcher ??
      remoteMediaFetcher({
        allowPrivateAddress: deps.config.allowPrivateAddress,
        userAgent: userAgent(deps.config.origin),
      }),
  };
  app.get(stylesheetPath, (c) => {
    c.header("Cache-Control", FOREVER);
    return c.body(stylesheet, 200, { "Content-Type": "text/css; charset=utf-8" });
  });
  app.get(postActionsScriptPath, (c) => {
    c.header("Cache-Control", FOREVER);
    return c.body(new Uint8Array(postActionsScript), 200, {
      "Content-Type": "text/javascript; charset=utf-8",
    });
  });
  app.get("/media/remote/:key", async (c) => {
    const found = await remoteMediaObject(remote, c.req.param("key"));
    if (!found) return c.notFound();
    c.header("Cache-Control", A_DAY);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Content-Security-Policy", "default-src 'none'; sandbox");
    return c.body(new Uint8Array(found.bytes), 200, { "Content-Type": found.contentType });
  });
  app.get("/media/:dir/:file", async (c) => {
    const bytes = await readMedia(deps.config, `${c.req.param("dir")}/${c.req.param("file")}`);
    if (!bytes) return c.notFound();
    c.header("Cache-Control", FOREVER);
    c.header("X-Content-Type-Options", "nosniff");
    return c.body(new Uint8Array(bytes), 200, { "Content-Type": "image/webp" });
  });
  return app;
}
