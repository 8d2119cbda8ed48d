/**
 * The two markdown-it plugins articles need and the node ships no package for:
 * footnotes (`text[^1]` … `[^1]: note`, Pandoc's syntax as markdown-it-footnote
 * reads it, one paragraph per note) and heading anchors (`id` from the heading's
 * text, unique in the document, and a `#` link to it). They emit ordinary tokens
 * (sup, a, section, ol, li), so the one sanitizer in markdown.ts sees all of it.
 */
import type { MarkdownIt, StateBlock, StateCore, StateInline, Token } from "markdown-it";

interface FootnoteEnv {
  footnotes?: {
    /** label → the note's Markdown (inline). */
    defs: Map<string, string>;
    /** Labels in the order first referenced; a note's number is its index + 1. */
    order: string[];
  };
}

const DEF_START = /^\[\^([^\]\s]{1,40})\]:[ \t]?/;
const MAX_FOOTNOTES = 200;

/** `[^label]: text` at the start of a block, continued by lines indented 4 spaces. */
function footnoteDefinition(state: StateBlock, startLine: number, _end: number, silent: boolean) {
  // markdown-it's line tables have an entry for every line below lineMax.
  const at = (list: number[], line: number) => list[line] ?? 0;
  const start = at(state.bMarks, startLine) + at(state.tShift, startLine);
  if (at(state.sCount, startLine) - state.blkIndent >= 4) return false;
  const first = state.src.slice(start, state.eMarks[startLine]);
  const m = DEF_START.exec(first);
  const label = m?.[1];
  if (!m || !label) return false;
  if (silent) return true;
  const lines = [first.slice(m[0].length)];
  let line = startLine + 1;
  while (
    line < state.lineMax &&
    !state.isEmpty(line) &&
    at(state.sCount, line) - state.blkIndent >= 4
  ) {
    lines.push(
      state.src.slice(at(state.bMarks, line) + at(state.tShift, line), state.eMarks[line]),
    );
    line++;
  }
  const env = state.env as FootnoteEnv;
  env.footnotes ??= { defs: new Map(), order: [] };
  if (!env.footnotes.defs.has(label) && env.footnotes.defs.size < MAX_FOOTNOTES)
    env.footnotes.defs.set(label, lines.join("\n"));
  state.line = line;
  return true;
}

/** `[^label]` where a definition exists: a superscript number linking to the note. */
function footnoteReference(state: StateInline, silent: boolean) {
  const src = state.src.slice(state.pos);
  const m = /^\[\^([^\]\s]{1,40})\]/.exec(src);
  const notes = (state.env as FootnoteEnv).footnotes;
  const label = m?.[1];
  if (!m || !label || !notes?.defs.has(label)) return false;
  if (!silent) {
    let index = notes.order.indexOf(label);
    if (index < 0) index = notes.order.push(label) - 1;
    const n = String(index + 1);
    const sup = state.push("footnote_ref_open", "sup", 1);
    sup.attrSet("class", "footnote-ref");
    const link = state.push("link_open", "a", 1);
    link.attrSet("href", `#fn-${n}`);
    link.attrSet("id", `fnref-${n}`);
    state.push("text", "", 0).content = n;
    state.push("link_close", "a", -1);
    state.push("footnote_ref_close", "sup", -1);
  }
  state.pos += m[0].length;
  return true;
}

/** Appends the notes, in the order they were referenced, each linking back. */
function footnoteList(state: StateCore) {
  const notes = (state.env as FootnoteEnv).footnotes;
  if (!notes || notes.order.length === 0) return;
  const tok = (type: string, tag: string, nesting: 1 | 0 | -1, attrs?: [string, string][]) => {
    const t = new state.Token(type, tag, nesting);
    t.block = true;
    for (const [k, v] of attrs ?? []) t.attrSet(k, v);
    return t;
  };
  const out: Token[] = [
    tok("footnotes_open", "section", 1, [["class", "footnotes"]]),
    tok("footnotes_list_open", "ol", 1),
  ];
  notes.order.forEach((label, i) => {
    const n = String(i + 1);
    out.push(tok("footnote_open", "li", 1, [["id", `fn-${n}`]]), tok("paragraph_open", "p", 1));
    const inline = tok("inline", "", 0);
    inline.content = notes.defs.get(label) ?? "";
    inline.children = [];
    state.md.inline.parse(inline.content, state.md, state.env, inline.children);
    const back = tok("link_open", "a", 1, [
      ["href", `#fnref-${n}`],
      ["class", "footnote-back"],
    ]);
    const arrow = tok("text", "", 0);
    arrow.content = " ↩";
    const close = tok("link_close", "a", -1);
    for (const t of [back, arrow, close]) t.block = false;
    inline.children.push(back, arrow, close);
    out.push(inline, tok("paragraph_close", "p", -1), tok("footnote_close", "li", -1));
  });
  out.push(tok("footnotes_list_close", "ol", -1), tok("footnotes_close", "section", -1));
  state.tokens.push(...out);
}

export function footnotes(md: MarkdownIt): void {
  md.block.ruler.before("reference", "footnote_def", footnoteDefinition, {
    alt: ["paragraph", "reference"],
  });
  md.inline.ruler.after("image", "footnote_ref", footnoteReference);
  md.core.ruler.after("inline", "footnote_list", footnoteList);
}

/** A heading's text as an id: lower case, letters and digits kept, the rest as single dashes. */
export function slugify(text: string): string {
  return (
    text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 80) || "section"
  );
}

/** Ids on headings (made unique with -2, -3 …) and a trailing `#` link to each. */
export function headingAnchors(md: MarkdownIt): void {
  md.core.ruler.push("heading_anchors", (state) => {
    // Ids shaped like footnotes' (fn-1, fnref-1) are skipped, so a heading cannot clash with one.
    const taken = new Set<string>();
    const tokens = state.tokens;
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i]?.type !== "heading_open") continue;
      const inline = tokens[i + 1];
      if (inline?.type !== "inline") continue;
      const text = (inline.children ?? [])
        .filter((t) => t.type === "text" || t.type === "code_inline")
        .map((t) => t.content)
        .join("");
      const base = slugify(text);
      let id = base;
      for (let n = 2; taken.has(id) || /^fn(ref)?-\d+$/.test(id); n++) id = `${base}-${n}`;
      taken.add(id);
      tokens[i]?.attrSet("id", id);
      const open = new state.Token("link_open", "a", 1);
      open.attrSet("href", `#${id}`);
      open.attrSet("class", "heading-anchor");
      const mark = new state.Token("text", "", 0);
      mark.content = "#";
      const space = new state.Token("text", "", 0);
      space.content = " ";
      inline.children = [
        ...(inline.children ?? []),
        space,
        open,
        mark,
        new state.Token("link_close", "a", -1),
      ];
    }
  });
}
