/**
 * The offer-or-need form (publish and edit): what, how much (in the unit's
 * decimals, "2.5"), minimum order, where (a name and, optionally, coordinates),
 * when, for what (gift, mutual credit, money with its price), a picture, and —
 * for members who speak for the co-op — whether the co-op publishes it. The
 * parser turns the strings into the capability's input or field errors.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { Federation } from "../../economy/market/publishing.ts";
import type { Proposal, Spec } from "../../economy/market/reads.ts";
import { proposalProblem, RECIPROCITIES } from "../../economy/market/rules.ts";
import { parseQuantity, quantityInput, UNITS } from "../../economy/market/units.ts";
import { type KeptPicture, keptPictureField } from "../budgeting/propose.ts";
import { moneyInput, parseMoney } from "../budgeting/render.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, type FieldErrors, field } from "../forms.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";

type Values = Record<string, string>;

const select = (
  name: string,
  label: string,
  options: { value: string; label: string }[],
  chosen: string | undefined,
  error?: string,
): Html => html`<div class="field"><label for="f-${name}">${label}</label>
  <select id="f-${name}" name="${name}"${error ? html` aria-invalid="true" aria-describedby="f-${name}-error"` : ""}>${options.map(
    (o) =>
      html`<option value="${o.value}"${o.value === chosen ? html` selected` : ""}>${o.label}</option>`,
  )}</select>${error ? html`<p class="field-error" id="f-${name}-error">${error}</p>` : ""}</div>`;

export function proposalForm(
  c: Context<WebEnv>,
  o: {
    action: string;
    values: Values;
    errors: FieldErrors;
    federations: Federation[];
    specs: Spec[];
    categories: string[];
    /** Offer the "publish as the co-op" choice (only when creating). */
    coopChoice: boolean;
    editing: boolean;
    /** The picture kept from a refused try (budgeting/propose.ts). */
    kept?: KeptPicture | null;
  },
): Html {
  const t = c.get("t");
  const { values: v, errors: e } = o;
  return html`<form method="post" action="${safeUrl(o.action)}" enctype="multipart/form-data" class="stack">
    ${csrfField(c)}
    ${
      o.editing
        ? html`<input type="hidden" name="purpose" value="${v.purpose ?? "offer"}" />`
        : select(
            "purpose",
            t("market.form.purpose"),
            [
              { value: "offer", label: t("market.purpose.offer") },
              { value: "request", label: t("market.purpose.request") },
            ],
            v.purpose,
            e.purpose,
          )
    }
    ${o.coopChoice ? html`<div class="field"><label><input type="checkbox" name="asCoop" value="1"${v.asCoop ? html` checked` : ""} /> ${t("market.form.asCoop")}</label></div>` : ""}
    ${o.editing && v.asCoop ? html`<input type="hidden" name="asCoop" value="1" />` : ""}
    ${o.federations.length ? select("groupUri", t("market.form.group"), [{ value: "", label: t("market.form.noGroup") }, ...o.federations.map((f) => ({ value: f.uri, label: f.name }))], v.groupUri, e.groupUri) : ""}
    ${o.specs.length ? select("specId", t("market.form.spec"), [{ value: "", label: t("market.form.noSpec") }, ...o.specs.map((s) => ({ value: s.id, label: `${s.name} (${s.category})` }))], v.specId, e.specId) : ""}
    ${field({ name: "name", label: t("market.form.name"), value: v.name ?? "", error: e.name, required: true, maxlength: 200 })}
    ${field({ name: "note", label: t("market.form.note"), type: "textarea", value: v.note ?? "", error: e.note, maxlength: 5000 })}
    <div class="field"><label for="f-category">${t("market.form.category")}</label>
      <input id="f-category" name="category" list="market-categories" required maxlength="60" value="${v.category ?? ""}"${e.category ? html` aria-invalid="true" aria-describedby="f-category-error"` : ""} />
      <datalist id="market-categories">${o.categories.map((k) => html`<option value="${k}"></option>`)}</datalist>
      ${e.category ? html`<p class="field-error" id="f-category-error">${e.category}</p>` : ""}</div>
    ${select(
      "unit",
      t("market.form.unit"),
      UNITS.map((u) => ({
        value: u.id,
        label: `${t(`market.unit.${u.id}` as MessageKey)} (${u.symbol})`,
      })),
      v.unit ?? "kilogram",
      e.unit,
    )}
    ${field({ name: "quantity", label: t("market.form.quantity"), value: v.quantity ?? "", error: e.quantity, required: true, hint: t("market.form.quantityHint") })}
    ${field({ name: "minimum", label: t("market.form.minimum"), value: v.minimum ?? "", error: e.minimum })}
    ${field({ name: "hoursPerUnit", label: t("market.form.hoursPerUnit"), value: v.hoursPerUnit ?? "", error: e.hoursPerUnit, hint: t("market.form.hoursPerUnitHint") })}
    ${select(
      "reciprocity",
      t("market.form.reciprocity"),
      RECIPROCITIES.map((r) => ({ value: r, label: t(`market.reciprocity.${r}` as MessageKey) })),
      v.reciprocity ?? "gift",
      e.reciprocity,
    )}
    ${field({ name: "unitPrice", label: t("market.form.unitPrice"), value: v.unitPrice ?? "", error: e.unitPrice, hint: t("market.form.unitPriceHint") })}
    ${field({ name: "currency", label: t("market.form.currency"), value: v.currency ?? "", error: e.currency, maxlength: 16, hint: t("market.form.currencyHint") })}
    ${field({ name: "placeName", label: t("market.form.place"), value: v.placeName ?? "", error: e.placeName, maxlength: 200 })}
    ${field({ name: "latitude", label: t("market.form.latitude"), value: v.latitude ?? "", error: e.latitude, hint: t("market.form.coordinatesHint") })}
    ${field({ name: "longitude", label: t("market.form.longitude"), value: v.longitude ?? "", error: e.longitude })}
    <div class="field"><label for="f-availableFrom">${t("market.form.from")}</label><input type="date" id="f-availableFrom" name="availableFrom" value="${v.availableFrom ?? ""}" /></div>
    <div class="field"><label for="f-availableUntil">${t("market.form.until")}</label><input type="date" id="f-availableUntil" name="availableUntil" value="${v.availableUntil ?? ""}"${e.availableUntil ? html` aria-invalid="true" aria-describedby="f-availableUntil-error"` : ""} />${e.availableUntil ? html`<p class="field-error" id="f-availableUntil-error">${e.availableUntil}</p>` : ""}</div>
    ${o.editing ? "" : keptPictureField(c, o.kept, v.imageAlt)}
    ${o.editing ? "" : field({ name: "image", label: t("market.form.image"), type: "file", error: e.image, accept: "image/jpeg,image/png,image/webp,image/gif" })}
    ${o.editing ? "" : field({ name: "imageAlt", label: t("market.form.imageAlt"), value: v.imageAlt ?? "", maxlength: 1500 })}
    <button type="submit">${o.editing ? t("market.form.save") : t("market.form.publish")}</button>
  </form>`;
}

/** A proposal's columns as the form shows them (for editing). */
export function valuesOf(p: Proposal): Values {
  return {
    purpose: p.purpose,
    asCoop: p.agent_kind === "coop" ? "1" : "",
    groupUri: p.group_uri ?? "",
    specId: p.spec_id ?? "",
    name: p.name,
    note: p.note,
    category: p.category,
    unit: p.unit,
    quantity: quantityInput(p.quantity),
    minimum: Number(p.minimum) ? quantityInput(p.minimum) : "",
    hoursPerUnit: p.hours_per_unit === null ? "" : String(p.hours_per_unit),
    reciprocity: p.reciprocity,
    unitPrice: Number(p.unit_price) ? moneyInput(p.unit_price) : "",
    currency: p.currency,
    placeName: p.place_name,
    latitude: p.latitude === null ? "" : String(p.latitude),
    longitude: p.longitude === null ? "" : String(p.longitude),
    availableFrom: p.available_from ?? "",
    availableUntil: p.available_until ?? "",
  };
}

const coordinate = (raw: string | undefined) => {
  const text = (raw ?? "").trim().replace(",", ".");
  if (!text) return null;
  return /^-?\d{1,3}(\.\d{1,8})?$/.test(text) ? Number(text) : Number.NaN;
};

/** The form's strings as the capability's input (images added after), or field errors. */
export function parseProposalForm(
  c: Context<WebEnv>,
  v: Values,
): { ok: true; value: Record<string, unknown> } | { ok: false; errors: FieldErrors } {
  const t = c.get("t");
  const errors: FieldErrors = {};
  const quantity = parseQuantity(v.quantity ?? "");
  if (!quantity) errors.quantity = t("market.error.quantity");
  const minimum = (v.minimum ?? "").trim() ? parseQuantity(v.minimum ?? "") : 0;
  if (minimum === null) errors.minimum = t("market.error.quantity");
  const hoursText = (v.hoursPerUnit ?? "").trim().replace(",", ".");
  const hoursPerUnit = !hoursText
    ? null
    : /^\d{1,5}(\.\d{1,4})?$/.test(hoursText)
      ? Number(hoursText)
      : Number.NaN;
  if (Number.isNaN(hoursPerUnit)) errors.hoursPerUnit = t("market.error.hoursPerUnit");
  const reciprocity = v.reciprocity ?? "";
  // A gift's price is left empty; one typed anyway is an error (the rules say so), not dropped.
  const typed = (v.unitPrice ?? "").trim();
  const unitPrice = typed ? parseMoney(typed) : reciprocity === "gift" ? 0 : null;
  if (unitPrice === null) errors.unitPrice = t("market.error.price");
  const latitude = coordinate(v.latitude);
  const longitude = coordinate(v.longitude);
  if (Number.isNaN(latitude) || Number.isNaN(longitude))
    errors.latitude = t("market.error.coordinates");
  if (Object.keys(errors).length) return { ok: false, errors };
  const value = {
    purpose: v.purpose,
    asCoop: v.asCoop === "1",
    groupUri: v.groupUri || null,
    specId: v.specId || null,
    name: v.name ?? "",
    note: v.note ?? "",
    category: v.category ?? "",
    unit: v.unit,
    quantity,
    minimum,
    hoursPerUnit,
    placeName: v.placeName ?? "",
    latitude,
    longitude,
    availableFrom: v.availableFrom || null,
    availableUntil: v.availableUntil || null,
    reciprocity,
    unitPrice,
    // ISO 4217 codes are upper case; a ledger's unit of credit is its own word ("hours").
    currency:
      reciprocity === "money" ? (v.currency ?? "").trim().toUpperCase() : (v.currency ?? "").trim(),
  };
  const problem = proposalProblem(value);
  if (problem) {
    const key = (
      {
        name: "market.error.name",
        category: "market.error.category",
        minimum: "market.error.minimum",
        hoursPerUnit: "market.error.hoursPerUnit",
        latitude: "market.error.coordinates",
        longitude: "market.error.coordinates",
        availableUntil: "market.error.window",
        availableFrom: "market.error.window",
        unitPrice: "market.error.price",
        currency: "market.error.currency",
        quantity: "market.error.quantity",
      } as Record<string, MessageKey>
    )[problem.field];
    return {
      ok: false,
      errors: { [key ? problem.field : "name"]: t(key ?? "market.error.invalid") },
    };
  }
  return { ok: true, value };
}
