/** What every request handler can read from Hono's context. */
import type { Locale, Translate } from "./i18n/i18n.ts";

/** The member looking at the page, if logged in. */
export interface Viewer {
  id: string;
  username: string;
  displayName: string;
  role: "admin" | "moderator" | "member";
}

export interface CoopInfo {
  name: string;
  description: string;
}

export type WebEnv = {
  Variables: {
    locale: Locale;
    t: Translate;
    viewer: Viewer | null;
    coop: CoopInfo;
    /** Token for forms in this session (CSRF); empty for visitors without a session. */
    csrfToken: string;
    /** The viewer's unread notifications, read only by a page that shows the badge. */
    unreadNotifications?: () => Promise<number>;
  };
};
