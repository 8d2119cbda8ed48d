// The running total of a participatory budgeting ballot (web/budgeting/ballot-page.ts).
// Progressive enhancement only: the page works without it, and the server checks
// every ballot. It reads the form's data-* attributes and rewrites one <output>.
(() => {
  const form = document.querySelector("form[data-pb-ballot]");
  if (!form) return;
  const out = form.querySelector("output[data-pb-total]");
  if (!out) return;
  const d = form.dataset;
  const budget = Number(d.budget);
  const points = Number(d.points || 0);
  const money = (minor) => {
    const amount = minor / 100;
    try {
      if (/^[A-Z]{3}$/.test(d.currency))
        return new Intl.NumberFormat(d.locale, {
          style: "currency",
          currency: d.currency,
          minimumFractionDigits: Number.isInteger(amount) ? 0 : 2,
          maximumFractionDigits: 2,
        }).format(amount);
    } catch {}
    return `${new Intl.NumberFormat(d.locale, { maximumFractionDigits: 2 }).format(amount)} ${d.currency}`;
  };
  const update = () => {
    let text;
    let over = false;
    if (d.kind === "cumulative") {
      let used = 0;
      for (const input of form.querySelectorAll("input[data-pb-points]"))
        used += Math.max(0, Math.floor(Number(input.value) || 0));
      over = used > points;
      text = d.template.replace("{used}", String(used)).replace("{points}", String(points));
    } else {
      let total = 0;
      for (const box of form.querySelectorAll("input[data-cost]:checked"))
        total += Number(box.dataset.cost);
      over = total > budget;
      text = d.template.replace("{total}", money(total)).replace("{budget}", money(budget));
      if (over) text += ` (${d.over})`;
    }
    out.textContent = text;
    out.parentElement?.classList.toggle("over", over);
  };
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
