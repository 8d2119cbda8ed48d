// The article editor's live preview (progressive enhancement: without this
// script the "Preview" button renders it on the server). Same origin only: it
// POSTs the Markdown to the form's data-preview endpoint with the page's CSRF
// token and shows the sanitized HTML the server renders (the one Markdown path).
(() => {
  const form = document.querySelector("form[data-preview]");
  const source = form?.querySelector("textarea[name=body]");
  const target = document.getElementById("preview");
  const token = form?.querySelector("input[name=_csrf]")?.value;
  if (!form || !source || !target || !token) return;
  let timer = 0;
  let inFlight = null;
  const refresh = async () => {
    inFlight?.abort();
    inFlight = new AbortController();
    try {
      const res = await fetch(form.dataset.preview, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-csrf-token": token },
        body: new URLSearchParams({ body: source.value }),
        signal: inFlight.signal,
        credentials: "same-origin",
      });
      if (res.ok) target.innerHTML = await res.text();
    } catch {
      // Aborted by a newer keystroke, or offline: the Preview button still works.
    }
  };
  source.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
  form.classList.add("live-preview");
})();
