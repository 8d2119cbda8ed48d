/** The command registry: a name, a one-line summary, and a lazy loader. */
export interface Command {
  run(args: string[]): Promise<number>;
}

interface Entry {
  summary: string;
  load(): Promise<Command>;
}

export const commands: Record<string, Entry> = {
  start: { summary: "run the node (web and queue worker)", load: () => import("./start.ts") },
  migrate: { summary: "apply database migrations", load: () => import("./migrate.ts") },
  admin: { summary: "create users and invites", load: () => import("./admin.ts") },
  backup: {
    summary: "copy the database consistently while it runs",
    load: () => import("./backup.ts"),
  },
  media: {
    summary: "prune the cache of other servers' media",
    load: () => import("./media.ts"),
  },
  pb: { summary: "participatory budgeting: count .pb elections", load: () => import("./pb.ts") },
  decisions: {
    summary: "decisions: recount a ballot export",
    load: () => import("./decisions.ts"),
  },
  economy: {
    summary: "economy engines: detect anomalies, plan allocations",
    load: () => import("./economy.ts"),
  },
  commons: {
    summary: "differential privacy: sample noise, answer queries",
    load: () => import("./commons.ts"),
  },
};
