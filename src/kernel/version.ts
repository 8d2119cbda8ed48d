/**
 * The software's name and version as other servers see it: in NodeInfo and in the
 * User-Agent of every request the node makes. Keep it equal to package.json's
 * version (src/kernel/version.test.ts checks).
 */
export const SOFTWARE_NAME = "synco";
export const SOFTWARE_VERSION = "0.1.0";

/**
 * `Synco/0.1.0 (+https://example.coop/)`, the form Mastodon uses
 * (`http.rb/5.1.1 (Mastodon/4.2.0; +https://host/)`): software, version and the
 * node's own origin, so an admin on the other side can see who is calling.
 * GoToSocial answers 418 to any request with no User-Agent at all.
 */
export function userAgent(origin: string): string {
  return `Synco/${SOFTWARE_VERSION} (+${new URL(origin).origin}/)`;
}
