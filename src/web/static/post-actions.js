// Acting on a post in place (web/social/render.ts): like, boost, bookmark and pin
// are sent without leaving the page, and the button flips with its count.
// Progressive enhancement only: without this script each form posts and the
// server answers 303 back to the same page at the post. On any failure the form
// is submitted the ordinary way, so the server's error page says what went wrong.
(() => {
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("act")) return;
    const button = form.querySelector("button");
    if (!button || button.disabled) return;
    event.preventDefault();
    button.disabled = true;
    const pressed = button.getAttribute("aria-pressed") === "true";
    try {
      const res = await fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        headers: { accept: "application/json" },
        credentials: "same-origin",
      });
      if (!res.ok) throw new Error(String(res.status));
      const d = form.dataset;
      const now = !pressed;
      const label = now ? d.undoLabel : d.doLabel;
      form.action = now ? d.undo : d.do;
      button.setAttribute("aria-pressed", String(now));
      button.setAttribute("aria-label", label);
      button.title = label;
      const text = button.querySelector(".act-text");
      if (text) text.textContent = label;
      const count = form.querySelector(".act-count");
      if (count)
        count.textContent = String(Math.max(0, Number(count.textContent) + (now ? 1 : -1)));
      button.disabled = false;
    } catch {
      button.disabled = false;
      form.submit();
    }
  });
})();
