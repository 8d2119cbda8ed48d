/**
 * The one function every page uses for an href or src whose value is not a
 * literal path: stored data (a remote actor's `url`, a post's, an image's) is
 * linked only when it is an http(s) URL or a path on this site, whatever was
 * stored before input was checked (kernel/safe-url.ts). A test reads src/web to
 * see that no attribute starts with anything else (test/security-urls.test.ts).
 */
import { httpUrlOrNull, localPathOrNull } from "../kernel/safe-url.ts";

/** `value` when it is safe to link or load; "#" (a link to nowhere) otherwise. */
export function safeUrl(value: string | null | undefined): string {
  if (!value) return "#";
  return localPathOrNull(value) ?? httpUrlOrNull(value) ?? "#";
}
