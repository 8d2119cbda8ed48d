/**
 * Proposing a project (/budgets/:id/propose): title, description, cost, which
 * budget, category, place and a picture. The picture is stored in the
 * proposer's media library (storage/images.ts strips metadata) and passed to
 * the capability by its upload id. A picture sent with a form that comes back
 * (a mistyped cost, say) is kept for the next try (storage/form-uploads.ts): the
 * form shows it with its id in a hidden field, so it need not be picked again.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { canTakePart } from "../../governance/budgeting/processes/eligibility.ts";
import { proposeProject } from "../../governance/budgeting/processes/projects.ts";
import {
  type Category,
  categoriesOf,
  type District,
  districtsOf,
  type Process,
} from "../../governance/budgeting/processes/reads.ts";
import { InputError } from "../../kernel/errors.ts";
import {
  discardFormUploads,
  keepFormUpload,
  keptFormUploads,
  releaseFormUploads,
} from "../../storage/form-uploads.ts";
import { type ImagePurpose, mediaUrl, storeImage } from "../../storage/images.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, type FieldErrors, field, refuseUnsafeNames } from "../forms.ts";
import { doneQuery } from "../groups/render.ts";
import { type Html, layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { imageRejectionText } from "../uploads.ts";
import {
  actorOf,
  type BudgetingDeps,
  budgetingContext,
  hostOf,
  money,
  parseMoney,
  problemStatus,
  problemText,
  processOrCopyFromPath,
} from "./render.ts";

type Values = Record<string, string>;

/** A picture stored on an earlier try of the form, kept for the next (its upload id and URL). */
export interface KeptPicture {
  uploadId: string;
  url: string;
}

/**
 * Which picture of a form: its file field, the hidden field naming the one kept
 * from the last try, the "remove" box, its description field and how it is stored.
 * A form with two pictures (a profile's avatar and header) gives each its own.
 */
export interface PictureSlot {
  file: string;
  kept: string;
  drop: string;
  alt?: string;
  purpose: ImagePurpose;
}

/** A project's or a market proposal's one picture. */
export const projectPicture: PictureSlot = {
  file: "image",
  kept: "keptImage",
  drop: "dropImage",
  alt: "imageAlt",
  purpose: "attachment",
};

/** The picture kept from the last try, with its id for the next and a "remove" box. */
export function keptPictureField(
  c: Context<WebEnv>,
  kept: KeptPicture | null | undefined,
  alt: string | undefined,
  slot: PictureSlot = projectPicture,
): Html {
  if (!kept) return html``;
  const t = c.get("t");
  return html`<div class="kept-image">
    <img src="${safeUrl(kept.url)}" alt="${alt ?? ""}" width="96" height="96" loading="lazy" />
    <p class="hint">${t("upload.kept")}</p>
    <input type="hidden" name="${slot.kept}" value="${kept.uploadId}" />
    <label><input type="checkbox" name="${slot.drop}" value="on" /> ${t("upload.remove")}</label>
  </div>`;
}

export function projectForm(
  c: Context<WebEnv>,
  o: {
    action: string;
    process: Process;
    districts: District[];
    categories: Category[];
    values: Values;
    errors: FieldErrors;
    kept?: KeptPicture | null;
    /** False on the edit form: the pictures stay as they are. */
    pictures?: boolean;
  },
): Html {
  const t = c.get("t");
  const { values: v, errors: e } = o;
  const locale = c.get("locale");
  return html`<form method="post" action="${safeUrl(o.action)}" enctype="multipart/form-data" class="stack">
    ${csrfField(c)}
    ${field({ name: "title", label: t("budgets.form.projectTitle"), value: v.title ?? "", error: e.title, required: true, maxlength: 200 })}
    ${field({ name: "description", label: t("budgets.form.projectDescription"), type: "textarea", value: v.description ?? "", error: e.description, required: true, maxlength: 10000 })}
    ${field({ name: "cost", label: t("budgets.form.cost", { currency: o.process.currency }), value: v.cost ?? "", error: e.cost, required: true, extra: "" })}
    ${
      o.districts.length > 1
        ? html`<div class="field"><label for="f-districtId">${t("budgets.form.district")}</label>
          <select id="f-districtId" name="districtId">${o.districts.map(
            (d) =>
              html`<option value="${d.id}"${v.districtId === d.id ? html` selected` : ""}>${d.name} (${money(locale, d.budget, o.process.currency)})</option>`,
          )}</select></div>`
        : html`<input type="hidden" name="districtId" value="${o.districts[0]?.id ?? ""}" />`
    }
    ${
      o.categories.length
        ? html`<div class="field"><label for="f-categoryId">${t("budgets.form.category")}</label>
          <select id="f-categoryId" name="categoryId"><option value="">${t("budgets.form.noCategory")}</option>${o.categories.map(
            (k) =>
              html`<option value="${k.id}"${v.categoryId === k.id ? html` selected` : ""}>${k.name}</option>`,
          )}</select></div>`
        : ""
    }
    ${field({ name: "location", label: t("budgets.form.location"), value: v.location ?? "", maxlength: 300 })}
    <fieldset><legend>${t("budgets.form.coordinates")}</legend>
      <p class="hint">${t("budgets.form.coordinates.hint")}</p>
      ${field({ name: "latitude", label: t("budgets.form.latitude"), value: v.latitude ?? "", error: e.latitude, maxlength: 20 })}
      ${field({ name: "longitude", label: t("budgets.form.longitude"), value: v.longitude ?? "", error: e.longitude, maxlength: 20 })}
    </fieldset>
    ${
      o.pictures === false
        ? ""
        : html`${keptPictureField(c, o.kept, v.imageAlt)}
    ${field({ name: "image", label: t("budgets.form.image"), type: "file", error: e.image, accept: "image/jpeg,image/png,image/webp,image/gif" })}
    ${field({ name: "imageAlt", label: t("budgets.form.imageAlt"), value: v.imageAlt ?? "", maxlength: 1500 })}`
    }
    <button type="submit">${o.pictures === false ? t("budgets.edit.save") : t("budgets.form.send")}</button>
  </form>`;
}

/** The form's text as the capability's input (images added after), or field errors. */
export function parseProjectForm(
  c: Context<WebEnv>,
  v: Values,
  districts: District[],
): { ok: true; value: Record<string, unknown> } | { ok: false; errors: FieldErrors } {
  const t = c.get("t");
  const errors: FieldErrors = {};
  const title = (v.title ?? "").trim();
  const description = (v.description ?? "").trim();
  if (!title || title.length > 200) errors.title = t("budgets.error.title");
  if (!description || description.length > 10_000)
    errors.description = t("budgets.error.description");
  const cost = parseMoney(v.cost ?? "");
  const district = districts.find((d) => d.id === v.districtId);
  if (!cost || !district || cost > Number(district.budget)) errors.cost = t("budgets.error.cost");
  const latitude = degrees(v.latitude, 90);
  const longitude = degrees(v.longitude, 180);
  if (latitude === undefined || (latitude === null) !== (longitude === null))
    errors.latitude = t("budgets.error.coordinates");
  if (longitude === undefined) errors.longitude = t("budgets.error.coordinates");
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      districtId: v.districtId,
      categoryId: v.categoryId ? v.categoryId : null,
      title,
      description,
      cost,
      location: (v.location ?? "").trim().slice(0, 300),
      latitude: latitude ?? null,
      longitude: longitude ?? null,
    },
  };
}

/** Decimal degrees within ±max; null when blank, undefined when not such a number. */
function degrees(text: string | undefined, max: number): number | null | undefined {
  const s = (text ?? "").trim().replace(",", ".");
  if (s === "") return null;
  if (!/^-?\d{1,3}(\.\d{1,8})?$/.test(s)) return undefined;
  const n = Number(s);
  return Math.abs(n) <= max ? n : undefined;
}

/** A multipart body: its strings (without a prototype) and its files. */
export async function readMultipart(c: Context<WebEnv>) {
  const body = await c.req.parseBody();
  refuseUnsafeNames(c, body);
  const values: Values = Object.create(null);
  for (const [k, v] of Object.entries(body)) if (typeof v === "string") values[k] = v;
  return { values, body };
}

/** What storing a form's picture needs (the budgeting, market and account pages all have it). */
type PictureDeps = Pick<BudgetingDeps, "db" | "config" | "clock">;

/** Stores the form's picture (if any) in the member's library; its image entry, or a field error. */
export async function imageFrom(
  c: Context<WebEnv>,
  deps: PictureDeps,
  file: unknown,
  alt: string,
  ownerId: string,
  purpose: ImagePurpose = "attachment",
): Promise<
  { ok: true; images: { mediaId: string; alt: string }[] } | { ok: false; error: string }
> {
  if (!(file instanceof File) || file.size === 0) return { ok: true, images: [] };
  const stored = await storeImage(
    deps.db,
    deps.config,
    {
      bytes: new Uint8Array(await file.arrayBuffer()),
      purpose,
      ownerId,
      description: alt.slice(0, 1500),
    },
    deps.clock,
  );
  if (!stored.ok)
    return {
      ok: false,
      error: imageRejectionText(c.get("t"), stored.reason, { file, locale: c.get("locale") }),
    };
  return { ok: true, images: [{ mediaId: stored.value.id, alt: alt.trim().slice(0, 1500) }] };
}

/**
 * The form's picture across tries: the one kept from the last try (unless the
 * member ticked "remove" or picked another), or the newly picked one, stored at
 * once and kept until a project takes it. Kept ids are read with their owner.
 */
export async function pictureAcrossTries(
  c: Context<WebEnv>,
  deps: PictureDeps,
  values: Values,
  file: unknown,
  ownerId: string,
  slot: PictureSlot = projectPicture,
): Promise<{ kept: KeptPicture | null; error?: string }> {
  const keptId = (values[slot.kept] ?? "").slice(0, 64);
  const dropped = values[slot.drop] === "on";
  const picked = file instanceof File && file.size > 0;
  if (keptId && dropped) await discardFormUploads(deps.db, ownerId, [keptId]);
  const keep = keptId && !dropped ? keptId : null;
  const asKept = async (id: string) => {
    const [upload] = await keptFormUploads(deps.db, ownerId, [id]);
    return upload ? { uploadId: upload.id, url: mediaUrl(upload.path) } : null;
  };
  const previous = keep ? await asKept(keep) : null;
  if (keep && !previous) return { kept: null, error: c.get("t")("upload.gone") };
  if (!picked) return { kept: previous };
  // A new pick replaces the kept one, but only once it is stored: a refused file keeps the old.
  const alt = slot.alt ? (values[slot.alt] ?? "") : "";
  const stored = await imageFrom(c, deps, file, alt, ownerId, slot.purpose);
  if (!stored.ok) return { kept: previous, error: stored.error };
  const [image] = stored.images;
  if (!image) return { kept: previous };
  await keepFormUpload(deps.db, ownerId, image.mediaId, deps.clock);
  if (keep) await discardFormUploads(deps.db, ownerId, [keep]);
  return { kept: await asKept(image.mediaId) };
}

export function proposePages(deps: BudgetingDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const ctx = budgetingContext(deps);

  const page = async (
    c: Context<WebEnv>,
    process: Process,
    values: Values,
    errors: FieldErrors,
    status: 200 | 422,
    kept: KeptPicture | null = null,
  ) => {
    const [districts, categories] = await Promise.all([
      districtsOf(ctx, process.id),
      categoriesOf(ctx, process.id),
    ]);
    const title = c.get("t")("budgets.propose");
    const body = html`<p><a href="/budgets/${process.id}">${c.get("t")("budgets.back", { title: process.title })}</a></p>
      <h1>${title}</h1>${errorSummary(c, errors)}
      ${process.local ? "" : html`<p class="notice">${c.get("t")("budgets.propose.elsewhere", { host: hostOf(process) })}</p>`}
      ${projectForm(c, { action: `/budgets/${process.id}/propose`, process, districts, categories, values, errors, kept })}`;
    return c.html(layout(c, `${title} · ${process.title}`, body), status);
  };

  /** The process of the path, if the viewer takes part and it is proposing. */
  const open = async (c: Context<WebEnv>) => {
    const viewer = requireViewer(c);
    // A copy of a process hosted elsewhere takes proposals too: our co-op sends them to the host.
    const { process } = await processOrCopyFromPath(c, deps);
    const actor = actorOf(deps, viewer);
    if (!(await canTakePart(ctx, process, actor.uri)))
      throw new InputError(c.get("t")("budgets.notEligible"), 403);
    if (process.phase !== "proposing")
      throw new InputError(c.get("t")("budgets.error.wrongPhase"), 409);
    return { viewer, process, actor };
  };

  app.get("/budgets/:id/propose", async (c) => {
    const { process } = await open(c);
    return page(c, process, {}, {}, 200);
  });

  app.post("/budgets/:id/propose", async (c) => {
    const { viewer, process, actor } = await open(c);
    const { values, body } = await readMultipart(c);
    const parsed = parseProjectForm(c, values, await districtsOf(ctx, process.id));
    // The picture is stored even when the text is refused, so the next try keeps it.
    const picture = await pictureAcrossTries(c, deps, values, body.image, viewer.id);
    const errors = {
      ...(parsed.ok ? {} : parsed.errors),
      ...(picture.error ? { image: picture.error } : {}),
    };
    if (!parsed.ok || picture.error) return page(c, process, values, errors, 422, picture.kept);
    const alt = (values.imageAlt ?? "").trim().slice(0, 1500);
    const images = picture.kept ? [{ mediaId: picture.kept.uploadId, alt }] : [];
    const made = await proposeProject(ctx, actor, {
      processId: process.id,
      project: { ...parsed.value, images },
    });
    if (!made.ok) {
      if (made.reason === "invalid" || made.reason === "too-many")
        return page(c, process, values, { title: problemText(c, made.reason) }, 422, picture.kept);
      // Nothing was proposed and the form is not shown again: the picture goes too.
      await discardFormUploads(
        deps.db,
        viewer.id,
        images.map((i) => i.mediaId),
      );
      throw new InputError(problemText(c, made.reason), problemStatus(made.reason));
    }
    // The project has it now: no longer the form's to keep.
    await releaseFormUploads(
      deps.db,
      viewer.id,
      images.map((i) => i.mediaId),
    );
    return redirectHere(
      c,
      `/budgets/${process.id}/projects/${made.value.id}${doneQuery(c.get("t")("budgets.proposed"))}`,
      303,
    );
  });

  return app;
}
