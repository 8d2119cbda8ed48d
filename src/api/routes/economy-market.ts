/**
 * The marketplace for apps, under /api/synco/v1/economy (docs/api.md "Economy:
 * marketplace"): catalogue entries (list, propose, decide), offers and needs
 * (search with filters and distance, show, publish, edit, close, reopen,
 * withdraw, report, hide) and watches (list, add, remove). Reading is
 * read:statuses (visitors may search), writing write:statuses. Quantities go in
 * as decimals ("quantity": 2.5) or thousandths ("quantity_thousandths": 2500);
 * prices in minor units. Images are uploads of the member's media library
 * (POST /api/v2/media), named by id.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { MarketActor } from "../../economy/market/context.ts";
import {
  canModerateProposal,
  reportProposal,
  setProposalHidden,
} from "../../economy/market/moderation.ts";
import {
  canChange,
  changeProposalStatus,
  editProposal,
  publishProposal,
} from "../../economy/market/proposals.ts";
import { federationByUri } from "../../economy/market/publishing.ts";
import { type Proposal, proposalById, uploadPathsOf } from "../../economy/market/reads.ts";
import { searchProposals } from "../../economy/market/search.ts";
import { catalogueOf, decideSpec, proposeSpec } from "../../economy/market/specs.ts";
import { addWatch, removeWatch, watchesOf } from "../../economy/market/watches.ts";
import { findGroup } from "../../groups/groups.ts";
import { memberUri } from "../../kernel/uris.ts";
import { optionalUser, requireUser } from "../auth.ts";
import { type ApiContext, type ApiDeps, type ApiEnv, socialContext } from "../deps.ts";
import { ApiError, notFound } from "../errors.ts";
import { readParams, truthy } from "../params.ts";
import { serializeProposal, serializeSpec, serializeWatch } from "../serializers/economy-market.ts";

const PREFIX = "/api/synco/v1/economy";

const PROBLEMS: Record<string, [ApiError["status"], string]> = {
  "not-found": [404, "Record not found"],
  forbidden: [
    403,
    "You may not do that (publishing for the co-op takes a role in the assembly; the catalogue and hiding, its moderators)",
  ],
  "wrong-status": [409, "Not possible in its current state"],
  "unknown-group": [422, "group: not a federation known here"],
  "unknown-spec": [422, "spec_id: not an accepted catalogue entry"],
  "too-many": [422, "There are too many already"],
  duplicate: [422, "The catalogue already has it"],
  "bad-comment": [422, "comment: 1 to 1000 characters"],
  invalid: [422, "The input is invalid"],
};
const refuse = (reason: string): never => {
  const [status, message] = PROBLEMS[reason] ?? [422, reason];
  throw new ApiError(status, message);
};

const num = z.coerce.number().finite();
/** Decimals of the unit ("2.5") → thousandths, exactly (no float drift past three decimals). */
const thousandths = (v: unknown) => {
  if (v === undefined || v === null || v === "") return undefined;
  const text = String(v).trim();
  if (!/^\d{1,13}(\.\d{1,3})?$/.test(text))
    throw new ApiError(422, "Validation failed: a quantity with at most three decimals");
  const [whole, frac = ""] = text.split(".");
  return Number(whole) * 1000 + Number(frac.padEnd(3, "0"));
};

/** An app's proposal fields (snake_case) → the capability's input; it validates them again. */
function proposalInput(p: Record<string, unknown>) {
  const images = z
    .array(z.object({ media_id: z.string().max(64), alt: z.string().max(1500).default("") }))
    .max(10)
    .default([])
    .parse(p.images)
    .map((i) => ({ mediaId: i.media_id, alt: i.alt }));
  const opt = (k: string, v: unknown) => (v === undefined ? {} : { [k]: v });
  return {
    purpose: p.purpose,
    ...opt(
      "asCoop",
      p.as_coop === undefined ? undefined : p.as_coop === true || p.as_coop === "true",
    ),
    groupUri: p.group ?? null,
    specId: p.spec_id ?? null,
    name: p.name,
    ...opt("note", p.note),
    category: p.category,
    unit: p.unit,
    quantity: (p.quantity_thousandths as number | undefined) ?? thousandths(p.quantity),
    ...opt("minimum", (p.minimum_thousandths as number | undefined) ?? thousandths(p.minimum)),
    ...opt(
      "hoursPerUnit",
      p.hours_per_unit === undefined
        ? undefined
        : p.hours_per_unit === null
          ? null
          : num.parse(p.hours_per_unit),
    ),
    ...opt("placeName", p.place_name),
    ...opt(
      "latitude",
      p.latitude === undefined ? undefined : p.latitude === null ? null : num.parse(p.latitude),
    ),
    ...opt(
      "longitude",
      p.longitude === undefined ? undefined : p.longitude === null ? null : num.parse(p.longitude),
    ),
    ...opt("availableFrom", p.available_from),
    ...opt("availableUntil", p.available_until),
    reciprocity: p.reciprocity,
    ...opt("unitPrice", p.unit_price === undefined ? undefined : num.parse(p.unit_price)),
    ...opt("currency", p.currency),
    images,
  };
}

export function economyMarketRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const ctx = () => socialContext(deps);
  const origin = deps.config.origin;
  const actor = (me: { id: string; username: string }): MarketActor => ({
    uri: memberUri(origin, me.username),
    accountId: me.id,
  });
  const c0 = () => ({ db: deps.db, origin });

  const answer = async (p: Proposal) =>
    serializeProposal(origin, p, await uploadPathsOf(deps, [p]));
  /** The proposal of the path as the viewer may see it (hidden: its agent and moderators; withdrawn: 410). */
  const visible = async (c: ApiContext, viewer: { id: string; username: string } | null) => {
    const id = c.req.param("id") ?? "";
    const p = id.length <= 64 ? await proposalById(deps, id) : undefined;
    if (!p) throw notFound();
    if (p.status === "withdrawn") throw new ApiError(410, "It was withdrawn");
    if (p.status === "hidden") {
      const a = viewer ? actor(viewer) : null;
      if (!a || !((await canChange(ctx(), a, p)) || (await canModerateProposal(ctx(), a, p))))
        throw notFound();
    }
    return p;
  };

  app.get(`${PREFIX}/specs`, async (c) => {
    optionalUser(c, "read:statuses");
    const q = z
      .object({
        group: z.string().max(2048),
        status: z.enum(["accepted", "proposed", "rejected"]).default("accepted"),
      })
      .parse(c.req.query());
    if (!(await federationByUri(c0(), q.group))) throw notFound();
    return c.json((await catalogueOf(deps, q.group, { status: q.status })).map(serializeSpec));
  });

  app.post(`${PREFIX}/specs`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const { group: name, ...spec } = await readParams(c);
    const group = await findGroup(deps.db, z.string().min(1).max(100).parse(name));
    if (group?.kind !== "federation") throw notFound();
    const made = await proposeSpec(ctx(), actor(me), { groupId: group.id, spec });
    if (!made.ok) return refuse(made.reason);
    const rows = await deps.db
      .selectFrom("econ_specs")
      .selectAll()
      .where("id", "=", made.value.id)
      .execute();
    return c.json(rows.map(serializeSpec)[0], 201);
  });

  app.post(`${PREFIX}/specs/:id/decision`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const p = await readParams(c);
    const decision = { accept: p.accept === true || p.accept === "true", note: p.note ?? "" };
    const done = await decideSpec(ctx(), actor(me), {
      specId: c.req.param("id").slice(0, 64),
      decision,
    });
    if (!done.ok) return refuse(done.reason);
    const rows = await deps.db
      .selectFrom("econ_specs")
      .selectAll()
      .where("id", "=", done.value.id)
      .execute();
    return c.json(rows.map(serializeSpec)[0]);
  });

  app.get(`${PREFIX}/proposals`, async (c) => {
    optionalUser(c, "read:statuses");
    const q = z
      .object({
        purpose: z.string().max(20).optional(),
        category: z.string().max(100).optional(),
        spec_uri: z.string().max(2048).optional(),
        q: z.string().max(200).optional(),
        reciprocity: z.string().max(20).optional(),
        group: z.string().max(2048).optional(),
        agent: z.string().max(2048).optional(),
        from: z.string().max(20).optional(),
        until: z.string().max(20).optional(),
        lat: num.optional(),
        lon: num.optional(),
        km: num.optional(),
        max_id: z.string().max(64).optional(),
        limit: z.coerce.number().int().min(1).max(100).default(20),
      })
      .parse(c.req.query());
    if ((q.lat === undefined) !== (q.lon === undefined))
      throw new ApiError(422, "Validation failed: lat and lon go together");
    const found = await searchProposals(deps, {
      ...(q.purpose ? { purpose: q.purpose as "offer" } : {}),
      ...(q.category ? { category: q.category } : {}),
      ...(q.spec_uri ? { specUri: q.spec_uri } : {}),
      ...(q.q ? { q: q.q } : {}),
      ...(q.reciprocity ? { reciprocity: q.reciprocity as "gift" } : {}),
      ...(q.group ? { groupUri: q.group } : {}),
      ...(q.agent ? { agentUri: q.agent } : {}),
      ...(q.from ? { from: q.from } : {}),
      ...(q.until ? { until: q.until } : {}),
      ...(q.lat !== undefined && q.lon !== undefined
        ? { near: { latitude: q.lat, longitude: q.lon, km: q.km ?? 25 } }
        : {}),
      ...(q.max_id ? { maxId: q.max_id } : {}),
      limit: q.limit,
    });
    if (!found.ok) throw new ApiError(422, "Validation failed: the filters are invalid");
    const paths = await uploadPathsOf(deps, found.items);
    if (found.next) {
      const next = new URL(c.req.url);
      next.searchParams.set("max_id", found.next);
      c.header("Link", `<${origin}${next.pathname}${next.search}>; rel="next"`);
    }
    return c.json(found.items.map((p) => serializeProposal(origin, p, paths)));
  });

  app.get(`${PREFIX}/proposals/:id`, async (c) =>
    c.json(await answer(await visible(c, optionalUser(c, "read:statuses")))),
  );

  app.post(`${PREFIX}/proposals`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const made = await publishProposal(ctx(), actor(me), proposalInput(await readParams(c)));
    if (!made.ok) return refuse(made.reason);
    const p = await proposalById(deps, made.value.id);
    if (!p) throw notFound();
    return c.json(await answer(p), 201);
  });

  const edit = async (c: ApiContext) => {
    const me = requireUser(c, "write:statuses");
    const p = await visible(c, me);
    const params = await readParams(c);
    // Unchanged fields may be left out: the stored proposal fills them.
    const current = {
      purpose: p.purpose,
      as_coop: p.agent_kind === "coop",
      group: p.group_uri,
      spec_id: p.spec_id,
      name: p.name,
      note: p.note,
      category: p.category,
      unit: p.unit,
      quantity_thousandths: Number(p.quantity),
      minimum_thousandths: Number(p.minimum),
      hours_per_unit: p.hours_per_unit,
      place_name: p.place_name,
      latitude: p.latitude,
      longitude: p.longitude,
      available_from: p.available_from,
      available_until: p.available_until,
      reciprocity: p.reciprocity,
      unit_price: Number(p.unit_price),
      currency: p.currency,
      images: [],
    };
    if (params.quantity !== undefined)
      delete (current as Partial<typeof current>).quantity_thousandths;
    if (params.minimum !== undefined)
      delete (current as Partial<typeof current>).minimum_thousandths;
    const input = proposalInput({ ...current, ...params });
    const images = params.images === undefined ? JSON.parse(p.images) : input.images;
    const done = await editProposal(ctx(), actor(me), {
      proposalId: p.id,
      proposal: { ...input, images },
    });
    if (!done.ok) return refuse(done.reason);
    return c.json(await answer((await proposalById(deps, p.id)) ?? p));
  };
  app.put(`${PREFIX}/proposals/:id`, edit);
  app.patch(`${PREFIX}/proposals/:id`, edit);

  app.delete(`${PREFIX}/proposals/:id`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const p = await visible(c, me);
    const done = await changeProposalStatus(ctx(), actor(me), {
      proposalId: p.id,
      change: "withdraw",
    });
    if (!done.ok) return refuse(done.reason);
    return c.json({});
  });

  for (const change of ["close", "reopen"] as const)
    app.post(`${PREFIX}/proposals/:id/${change}`, async (c) => {
      const me = requireUser(c, "write:statuses");
      const p = await visible(c, me);
      const done = await changeProposalStatus(ctx(), actor(me), { proposalId: p.id, change });
      if (!done.ok) return refuse(done.reason);
      return c.json(await answer((await proposalById(deps, p.id)) ?? p));
    });

  for (const [path, hidden] of [
    ["hide", true],
    ["unhide", false],
  ] as const)
    app.post(`${PREFIX}/proposals/:id/${path}`, async (c) => {
      const me = requireUser(c, "write:statuses");
      const p = await visible(c, me);
      const done = await setProposalHidden(ctx(), actor(me), { proposalId: p.id, hidden });
      if (!done.ok) return refuse(done.reason);
      return c.json(await answer((await proposalById(deps, p.id)) ?? p));
    });

  app.post(`${PREFIX}/proposals/:id/report`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const p = await visible(c, me);
    const params = await readParams(c);
    const comment = z.string().max(5000).default("").parse(params.comment);
    // As Mastodon's POST /api/v1/reports: `forward` sends a copy's report on to its
    // publisher's node (a Flag from the co-op, the member unnamed).
    const forward = truthy(params.forward);
    const done = await reportProposal(ctx(), actor(me), { proposalId: p.id, comment, forward });
    if (!done.ok) return refuse(done.reason);
    return c.json({ id: done.value.id, forwarded: done.value.forwarded }, 201);
  });

  app.get(`${PREFIX}/watches`, async (c) => {
    const me = requireUser(c, "read:statuses");
    return c.json((await watchesOf(deps, me.id)).map(serializeWatch));
  });

  app.post(`${PREFIX}/watches`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const p = await readParams(c);
    const input = {
      ...(p.category !== undefined ? { category: p.category } : {}),
      ...(p.spec_id !== undefined ? { specId: p.spec_id } : {}),
      purpose: p.purpose ?? null,
    };
    const made = await addWatch(ctx(), actor(me), input);
    if (!made.ok) return refuse(made.reason);
    const watch = (await watchesOf(deps, me.id)).find((w) => w.id === made.value.id);
    return c.json(watch ? serializeWatch(watch) : { id: made.value.id }, 201);
  });

  app.delete(`${PREFIX}/watches/:id`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const done = await removeWatch(ctx(), actor(me), c.req.param("id").slice(0, 64));
    if (!done.ok) return refuse(done.reason);
    return c.json({});
  });

  return app;
}
