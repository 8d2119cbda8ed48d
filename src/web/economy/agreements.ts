/**
 * The agreement pages: "my agreements" (/economy/agreements), one agreement
 * (/economy/agreements/:id: its commitments, what happened with a "record
 * fulfilment" form, the thread between the two parties with reports), and the
 * forms that respond, accept, reject, withdraw, record and write. Every form
 * works without JavaScript; refused input re-renders with 422 (or answers 4xx)
 * and changes nothing.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import {
  acceptAgreement,
  cancelAgreement,
  rejectAgreement,
} from "../../economy/agreements/answers.ts";
import { type Acting, agentsOf, canActAs } from "../../economy/agreements/context.ts";
import { recordEconomicEvent } from "../../economy/agreements/fulfilment.ts";
import { hideMessage, postMessage, reportMessage } from "../../economy/agreements/messages.ts";
import { offerAgreement } from "../../economy/agreements/offers.ts";
import { agreementsOf, agreementView, canSee, isParty } from "../../economy/agreements/reads.ts";
import { parseQuantity } from "../../economy/agreements/rules.ts";
import { unitById } from "../../economy/market/units.ts";
import { InputError } from "../../kernel/errors.ts";
import { memberUri } from "../../kernel/uris.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, notice, readForm } from "../forms.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { requireViewer } from "../session.ts";
import { timeTag } from "../time.ts";
import {
  type AgreementsDeps,
  agentLabel,
  agreementsContext,
  agreementsTable,
  paymentText,
  priceText,
  quantityText,
  settlementNote,
  statusText,
} from "./agreements-render.ts";
import { economyHead } from "./market-render.ts";

const t = (c: Context<WebEnv>) => c.get("t");

export function agreementPages(deps: AgreementsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const ctx = agreementsContext(deps);
  const origin = deps.config.origin;

  /** The member acting, as the agent the form chose (one they may act as). */
  const acting = (c: Context<WebEnv>, as: string | undefined, fallback?: string): Acting => {
    const v = requireViewer(c);
    const agents = agentsOf(origin, v);
    const agentUri =
      as && agents.includes(as) ? as : (fallback ?? agents[0] ?? memberUri(origin, v.username));
    return { accountId: v.id, username: v.username, role: v.role, agentUri };
  };
  /** Of the viewer's agents, the one that is a party (the co-op first). */
  const partyAgent = (c: Context<WebEnv>, a: { proposer_uri: string; responder_uri: string }) => {
    const v = requireViewer(c);
    return agentsOf(origin, v).find((x) => x === a.proposer_uri || x === a.responder_uri);
  };
  const problem = (c: Context<WebEnv>, reason: string, status: 403 | 404 | 409 | 422 = 422) => {
    const s =
      reason === "not-allowed"
        ? 403
        : reason.endsWith("not-found")
          ? 404
          : reason === "already-answered"
            ? 409
            : status;
    return new InputError(t(c)(`agreements.error.${reason}` as MessageKey), s);
  };
  const done = (c: Context<WebEnv>, id: string, what: string) =>
    redirectHere(c, `/economy/agreements/${id}?done=${what}`, 303);

  app.get("/economy/agreements", async (c) => {
    const v = requireViewer(c);
    const rows = await agreementsOf(ctx, agentsOf(origin, v), { limit: 100 });
    const body = html`<h1>${t(c)("agreements.mine")}</h1>${agreementsTable(c, rows)}`;
    return c.html(layout(c, t(c)("agreements.mine"), body));
  });

  const page = async (c: Context<WebEnv>, id: string, errors: string | null, status: 200 | 422) => {
    const v = requireViewer(c);
    const view = await agreementView(ctx, id);
    const agents = agentsOf(origin, v);
    if (!view || !canSee(view.agreement, { agents, role: v.role }))
      throw new InputError(t(c)("agreements.error.notFound"), 404);
    const { agreement: a, commitments, events, messages } = view;
    const locale = c.get("locale");
    const party = isParty(a, agents);
    const doneKey = c.req.query("done");
    const doneText =
      doneKey && /^[a-z]+$/.test(doneKey)
        ? t(c)(`agreements.done.${doneKey}` as MessageKey)
        : undefined;
    const isProposer = agents.includes(a.proposer_uri) && a.local === 1;
    const isResponder = agents.includes(a.responder_uri) && a.account_id !== null;
    const answer =
      a.status === "offered" && isProposer
        ? html`<form method="post" action="/economy/agreements/${a.id}/accept" class="inline">${csrfField(c)}<button>${t(c)("agreements.accept")}</button></form>
          <form method="post" action="/economy/agreements/${a.id}/reject" class="inline">${csrfField(c)}<input name="reason" maxlength="2000" aria-label="${t(c)("agreements.reason")}" placeholder="${t(c)("agreements.reason")}" /><button>${t(c)("agreements.reject")}</button></form>`
        : a.status === "offered" && isResponder
          ? html`<form method="post" action="/economy/agreements/${a.id}/cancel">${csrfField(c)}<button>${t(c)("agreements.cancel")}</button></form>`
          : "";
    // Credit is paid by the ledger on fulfilment (settle.ts), never recorded by hand.
    const recordable = commitments.filter((k) => !(k.reciprocal && a.reciprocity === "credit"));
    const unitOf = (c2: (typeof commitments)[number]) =>
      c2.reciprocal
        ? a.currency || c2.unit
        : (unitById(a.proposal_unit)?.symbol ?? a.proposal_unit);
    // Payments in their currency or the ledger's unit; resources with the unit's symbol.
    const amount = (reciprocal: number, q: number) =>
      reciprocal ? paymentText(c, a, q) : quantityText(c, q, a.proposal_unit);
    const body = html`<p><a href="/economy/agreements">${t(c)("agreements.mine")}</a></p>
      <h1>${t(c)("agreements.on", { name: a.proposal_name })}</h1>
      ${notice(doneText)}
      ${errors ? html`<p class="notice error" role="alert">${errors}</p>` : ""}
      <dl class="market-facts">
        <dt>${t(c)("agreements.proposer")}</dt><dd>${agentLabel(a.proposer_uri)}</dd>
        <dt>${t(c)("agreements.responder")}</dt><dd>${agentLabel(a.responder_uri)}</dd>
        <dt>${t(c)("agreements.quantity")}</dt><dd>${quantityText(c, a.quantity, a.proposal_unit)}</dd>
        <dt>${t(c)("agreements.price")}</dt><dd>${priceText(c, a)}</dd>
        <dt>${t(c)("agreements.status")}</dt><dd><strong>${statusText(c, a.status)}</strong>${a.answer_note ? html` — ${a.answer_note}` : ""}</dd>
        ${a.note ? html`<dt>${t(c)("agreements.note")}</dt><dd>${a.note}</dd>` : ""}
      </dl>
      ${answer}
      ${await settlementNote(c, deps, a)}
      <section aria-labelledby="commitments"><h2 id="commitments">${t(c)("agreements.commitments")}</h2>
        <ul>${commitments.map(
          (
            k,
          ) => html`<li>${t(c)(k.reciprocal ? "agreements.commitment.reciprocal" : "agreements.commitment.primary")}:
            ${agentLabel(k.provider_uri)} → ${agentLabel(k.receiver_uri)},
            ${t(c)("agreements.fulfilled", { done: amount(k.reciprocal, k.fulfilled), total: amount(k.reciprocal, k.quantity) })}
            <progress max="${k.quantity}" value="${Math.min(k.fulfilled, k.quantity)}"></progress></li>`,
        )}</ul>
      </section>
      <section aria-labelledby="events"><h2 id="events">${t(c)("agreements.events")}</h2>
        ${
          events.length
            ? html`<ul>${events.map((e) => {
                const k = commitments.find((x) => x.id === e.commitment_id);
                return html`<li>${timeTag(locale, e.occurred_at)}: ${t(c)(`agreements.action.${e.action}` as MessageKey)}
                  ${k ? amount(k.reciprocal, e.quantity) : `${e.quantity} ${e.unit}`} (${agentLabel(e.recorded_by_uri)})${e.note ? html` — ${e.note}` : ""}</li>`;
              })}</ul>`
            : html`<p>${t(c)("agreements.events.none")}</p>`
        }
        ${
          party && a.status === "accepted"
            ? html`<form method="post" action="/economy/agreements/${a.id}/events" class="stack">${csrfField(c)}
              <div class="field"><label for="e-commitment">${t(c)("agreements.record.commitment")}</label>
                <select id="e-commitment" name="commitment">${recordable.map((k) => html`<option value="${k.id}">${t(c)(k.reciprocal ? "agreements.commitment.reciprocal" : "agreements.commitment.primary")} (${unitOf(k)})</option>`)}</select></div>
              <div class="field"><label for="e-quantity">${t(c)("agreements.quantity")}</label><input type="text" id="e-quantity" name="quantity" inputmode="decimal" required pattern="[0-9]+([.,][0-9]{1,3})?" /></div>
              <div class="field"><label for="e-note">${t(c)("agreements.note")}</label><input type="text" id="e-note" name="note" maxlength="2000" /></div>
              <button>${t(c)("agreements.record")}</button></form>`
            : ""
        }
      </section>
      <section aria-labelledby="messages"><h2 id="messages">${t(c)("agreements.messages")}</h2>
        ${
          messages.length
            ? html`<ol class="thread">${messages.map(
                (
                  m,
                ) => html`<li id="m-${m.id}"><strong>${agentLabel(m.author_uri)}</strong> <small>${timeTag(locale, m.created_at)}</small><br />
                  ${m.hidden ? html`<em>${t(c)("agreements.hidden")}</em>` : m.body}
                  ${
                    !m.hidden
                      ? html`<details><summary>${t(c)("agreements.report")}</summary>
                        <form method="post" action="/economy/agreements/${a.id}/messages/${m.id}/report">${csrfField(c)}
                        <label>${t(c)("agreements.report.comment")} <input name="comment" required maxlength="1000" /></label><button>${t(c)("agreements.report")}</button></form></details>
                        ${v.role !== "member" ? html`<form method="post" action="/economy/agreements/${a.id}/messages/${m.id}/hide" class="inline">${csrfField(c)}<button>${t(c)("agreements.hide")}</button></form>` : ""}`
                      : ""
                  }</li>`,
              )}</ol>`
            : html`<p>${t(c)("agreements.messages.none")}</p>`
        }
        ${
          party && a.status !== "cancelled"
            ? html`<form method="post" action="/economy/agreements/${a.id}/messages" class="stack">${csrfField(c)}
              <label>${t(c)("agreements.message")} <textarea name="body" required maxlength="5000" rows="3"></textarea></label>
              <button>${t(c)("agreements.send")}</button></form>`
            : ""
        }
      </section>`;
    return c.html(
      layout(c, t(c)("agreements.on", { name: a.proposal_name }), body, { head: economyHead() }),
      status,
    );
  };

  app.get("/economy/agreements/:id", (c) => page(c, c.req.param("id"), null, 200));

  app.post("/economy/proposals/:id/respond", async (c) => {
    const form = await readForm(c);
    const quantity = parseQuantity(form.quantity ?? "");
    if (quantity === null) throw problem(c, "bad-quantity");
    const r = await offerAgreement(ctx, acting(c, form.as), {
      proposalId: c.req.param("id"),
      quantity,
      note: (form.note ?? "").trim(),
    });
    if (!r.ok) throw problem(c, r.reason);
    return done(c, r.value.id, "offered");
  });

  const withAgreement = async (c: Context<WebEnv>) => {
    const view = await agreementView(ctx, c.req.param("id") ?? "");
    if (!view) throw problem(c, "agreement-not-found");
    return view.agreement;
  };

  app.post("/economy/agreements/:id/accept", async (c) => {
    const a = await withAgreement(c);
    const r = await acceptAgreement(ctx, acting(c, a.proposer_uri), a.id);
    if (!r.ok) throw problem(c, r.reason);
    return done(c, a.id, "accepted");
  });
  app.post("/economy/agreements/:id/reject", async (c) => {
    const a = await withAgreement(c);
    const form = await readForm(c);
    const r = await rejectAgreement(
      ctx,
      acting(c, a.proposer_uri),
      a.id,
      (form.reason ?? "").trim(),
    );
    if (!r.ok) throw problem(c, r.reason);
    return done(c, a.id, "rejected");
  });
  app.post("/economy/agreements/:id/cancel", async (c) => {
    const a = await withAgreement(c);
    const r = await cancelAgreement(ctx, acting(c, a.responder_uri), a.id);
    if (!r.ok) throw problem(c, r.reason);
    return done(c, a.id, "cancelled");
  });
  app.post("/economy/agreements/:id/events", async (c) => {
    const a = await withAgreement(c);
    const form = await readForm(c);
    const quantityText = form.quantity ?? "";
    const commitment = await deps.db
      .selectFrom("econ_commitments")
      .select("reciprocal")
      .where("id", "=", form.commitment ?? "")
      .where("agreement_id", "=", a.id)
      .executeTakeFirst();
    const parsed = parseQuantity(quantityText);
    // Payments are entered in the currency's units (two decimals), resources in thousandths.
    const quantity =
      parsed === null ? null : commitment?.reciprocal ? Math.round(parsed / 10) : parsed;
    if (quantity === null) return page(c, a.id, t(c)("agreements.error.bad-quantity"), 422);
    const who = acting(c, partyAgent(c, a));
    if (!canActAs(origin, who)) throw problem(c, "not-allowed");
    const r = await recordEconomicEvent(ctx, who, {
      agreementId: a.id,
      commitmentId: form.commitment ?? "",
      quantity,
      note: (form.note ?? "").trim(),
    });
    if (!r.ok) return page(c, a.id, t(c)(`agreements.error.${r.reason}` as MessageKey), 422);
    return done(c, a.id, "recorded");
  });
  app.post("/economy/agreements/:id/messages", async (c) => {
    const a = await withAgreement(c);
    const form = await readForm(c);
    const r = await postMessage(ctx, acting(c, partyAgent(c, a)), {
      agreementId: a.id,
      body: form.body ?? "",
    });
    if (!r.ok) {
      if (r.reason === "bad-body") return page(c, a.id, t(c)("agreements.error.bad-body"), 422);
      throw problem(c, r.reason);
    }
    return done(c, a.id, "sent");
  });
  app.post("/economy/agreements/:id/messages/:mid/report", async (c) => {
    const a = await withAgreement(c);
    const v = requireViewer(c);
    if (!canSee(a, { agents: agentsOf(origin, v), role: v.role }))
      throw problem(c, "agreement-not-found");
    const form = await readForm(c);
    const r = await reportMessage(
      ctx,
      { accountId: v.id, uri: memberUri(origin, v.username) },
      {
        messageId: c.req.param("mid"),
        comment: form.comment ?? "",
      },
    );
    if (!r.ok) throw problem(c, r.reason);
    return done(c, a.id, "reported");
  });
  app.post("/economy/agreements/:id/messages/:mid/hide", async (c) => {
    const a = await withAgreement(c);
    const v = requireViewer(c);
    const r = await hideMessage(
      ctx,
      { role: v.role, uri: memberUri(origin, v.username) },
      {
        messageId: c.req.param("mid"),
        hidden: true,
      },
    );
    if (!r.ok) throw problem(c, r.reason);
    return done(c, a.id, "hidden");
  });

  return app;
}
