/**
 * Fetches a remote image or video for the media cache (storage/remote-media.ts),
 * bounded like every other remote fetch (bounded-fetch.ts): http(s) only, a
 * public address unless SYNCO_ALLOW_PRIVATE_ADDRESS, at most
 * MAX_REMOTE_MEDIA_BYTES (the declared length and the bytes as they stream), a
 * deadline for the whole body, and at most MAX_REDIRECTS redirects, each checked
 * like the first URL (a public URL must not redirect us into the private network).
 */
import type { RemoteMediaFetcher } from "../storage/remote-media.ts";
import { boundedResponse } from "./bounded-fetch.ts";

/** Mastodon keeps remote images up to 16 MB too (MAX_SIZE of its media attachments). */
export const MAX_REMOTE_MEDIA_BYTES = 16 * 1024 * 1024;
export const REMOTE_MEDIA_TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 3;

export function remoteMediaFetcher(options: {
  allowPrivateAddress: boolean;
  userAgent?: string;
  maxBytes?: number;
  timeoutMs?: number;
}): RemoteMediaFetcher {
  const maxBytes = options.maxBytes ?? MAX_REMOTE_MEDIA_BYTES;
  return async (first) => {
    const deadline = AbortSignal.timeout(options.timeoutMs ?? REMOTE_MEDIA_TIMEOUT_MS);
    let url = first;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return { ok: false, reason: "bad-url" };
      }
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
        return { ok: false, reason: "not-http" };
      if (!options.allowPrivateAddress) {
        // Loaded here: an app that never fetches remote media never loads Fedify's runtime.
        const { validatePublicUrl } = await import("@fedify/vocab-runtime");
        try {
          await validatePublicUrl(parsed.href);
        } catch {
          return { ok: false, reason: "private-address" };
        }
      }
      const response = await fetch(parsed, {
        redirect: "manual",
        signal: deadline,
        headers: {
          accept: "image/*, video/*, audio/*",
          ...(options.userAgent ? { "user-agent": options.userAgent } : {}),
        },
      });
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel();
        const location = response.headers.get("location");
        if (!location) return { ok: false, reason: `HTTP ${response.status}` };
        url = new URL(location, parsed).href;
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        return { ok: false, reason: `HTTP ${response.status}` };
      }
      try {
        const bounded = boundedResponse(response, parsed.href, maxBytes);
        return { ok: true, bytes: new Uint8Array(await bounded.arrayBuffer()) };
      } catch (error) {
        return { ok: false, reason: (error as Error).name };
      }
    }
    return { ok: false, reason: "too-many-redirects" };
  };
}
