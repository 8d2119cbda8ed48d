/** Static and uploaded files. Both are named by content hash, so they are cached for good. */
import { Hono } from "hono";
import { readMedia } from "../storage/images.ts";
import type { MediaConfig } from "../storage/store.ts";
import type { WebEnv } from "./context.ts";
import { stylesheet, stylesheetPath } from "./static.ts";

const FOREVER = "public, max-age=31536000, immutable";

export function assetRoutes(media: MediaConfig): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  app.get(stylesheetPath, (c) => {
    c.header("Cache-Control", FOREVER);
    return c.body(stylesheet, 200, { "Content-Type": "text/css; charset=utf-8" });
  });
  app.get("/media/:dir/:file", async (c) => {
    const bytes = await readMedia(media, `${c.req.param("dir")}/${c.req.param("file")}`);
    if (!bytes) return c.notFound();
    c.header("Cache-Control", FOREVER);
    c.header("X-Content-Type-Options", "nosniff");
    return c.body(new Uint8Array(bytes), 200, { "Content-Type": "image/webp" });
  });
  return app;
}
