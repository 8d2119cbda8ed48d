/**
 * The Content-Security-Policy every response carries. Pages are rendered on the
 * server and need no script at all; styles come from the one stylesheet. So no
 * inline script, no inline style and no `javascript:` URL runs (CSP Level 3:
 * navigating to a `javascript:` URL is an inline script, refused without
 * 'unsafe-inline'), even if something slipped past the URL checks
 * (kernel/safe-url.ts, web/safe-url.ts). Images may come from other servers:
 * remote avatars and media are linked, not copied.
 *
 * No form-action: the OAuth consent form redirects to the app's registered
 * redirect_uri (another origin, or an app's own scheme), and browsers apply
 * form-action to that redirect.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "https:", "http:"],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  manifestSrc: ["'self'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
};
