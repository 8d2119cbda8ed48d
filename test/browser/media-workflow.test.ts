/**
 * The media workflow in a real browser: a writer writes an article for a
 * publication (server preview, then the live preview as they type), submits
 * it; the editor returns it with a general and an inline comment; the writer
 * revises and resubmits; the editor approves and publishes; a visitor reads the
 * public page at phone and desktop width — no script runs and nothing is asked
 * of another server. Screenshots in /tmp/shots/mweb/ (and test-results/).
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { createPublication, setStaffRole } from "../../src/media/publications.ts";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { createMember } from "../support/login.ts";
import { socialOf, startTestNode, type TestNode } from "../support/node.ts";

const SHOTS = "/tmp/shots/mweb";
let node: TestNode;
let browser: Browser;
before(async () => {
  node = await startTestNode({ host: "127.0.172.1" });
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
});
after(async () => {
  await browser?.close();
  await node?.close();
});

async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  await screenshot(page, `media-${name}`);
}

const BODY = `The river has fed three villages for as long as anyone remembers. Every spring their people meet on the bridge to decide how much water each may take.

## The weir

The weir was rebuilt in 1962 by the villages themselves.[^weir] It still holds.

> Water is a commons: nobody made it, everybody needs it.

What the assembly decides each year:

1. how much each village may take in a dry month;
2. who mends the channels;
3. what happens when someone takes too much.

| Village | Share | Channels |
| --- | ---: | ---: |
| Alto | 40% | 3 |
| Medio | 35% | 2 |
| Bajo | 25% | 2 |

The rule fits in one line:

\`\`\`
share = rainfall × agreed_fraction − upstream_use
\`\`\`

[^weir]: The stones came from the old mill.
`;

test("write → submit → return with a comment → revise → approve → read the public page", async () => {
  const ctx = socialOf(node);
  const ana = await createMember(node, { username: "ana", password: "long enough" });
  const ben = await createMember(node, { username: "ben", password: "long enough" });
  await node.node.db.db
    .updateTable("accounts")
    .set({ display_name: "Ben Ortiz" })
    .where("id", "=", ben.id)
    .execute();
  const pub = await createPublication(ctx, ana, {
    name: "valley",
    displayName: "The Valley Review",
    description: "News of the river",
  });
  assert.ok(pub.ok);
  assert.ok(
    (
      await setStaffRole(ctx, ana, {
        publicationId: pub.value.id,
        accountId: ben.id,
        role: "writer",
      })
    ).ok,
  );

  const cover = await sharp(
    Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="900"><defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#f6d6a8"/><stop offset="0.55" stop-color="#7fb0c9"/><stop offset="1" stop-color="#2f5d73"/></linearGradient></defs><rect width="1600" height="900" fill="url(#g)"/><circle cx="1180" cy="300" r="110" fill="#fff3d6" opacity="0.9"/><path d="M0 640 C 300 580 500 700 800 650 S 1300 560 1600 620 L1600 900 L0 900 Z" fill="#1f4a5c"/><path d="M0 720 C 400 680 700 780 1000 730 S 1400 690 1600 710" stroke="#cfe6ef" stroke-width="6" fill="none" opacity="0.7"/></svg>`,
    ),
  )
    .png()
    .toBuffer();
  const coverPath = join(SHOTS, "cover.png");
  writeFileSync(coverPath, cover);

  // The writer writes, previews (server), then sees the live preview as they type.
  const writerContext = await newContext(browser);
  const writer = await writerContext.newPage();
  await logIn(writer, node.url, "ben", "long enough");
  await writer.goto(`${node.url}/media/new`);
  await writer.locator("#f-title").fill("Who owns the river?");
  await writer
    .locator("#f-summary")
    .fill(
      "Three villages share one river. Every spring they decide, together, how much each may take.",
    );
  await writer.locator("#f-publicationId").selectOption(pub.value.id);
  await writer.locator("#f-body").fill(BODY);
  await writer.locator("#f-tags").fill("water commons");
  await writer.locator("#f-language").fill("en");
  await writer.locator("#f-cover").setInputFiles(coverPath);
  await writer.locator("#f-coverAlt").fill("The river at dusk below the hills");
  await writer.locator("button[name=intent][value=preview]").click();
  await writer.waitForSelector("#preview h2#the-weir");
  // The server preview keeps what was typed (the file input aside: chosen again).
  assert.equal(await writer.locator("#f-title").inputValue(), "Who owns the river?");
  await writer.locator("#f-cover").setInputFiles(coverPath);
  await writer.locator("#f-body").press("Control+End");
  await writer.locator("#f-body").pressSequentially("\n\nA live line.");
  // The live preview (media-editor.js) shows what was just typed, with no submit.
  await writer.locator("#preview", { hasText: "A live line." }).waitFor();
  await shot(writer, "editor-1280");
  await writer.locator("button[name=intent][value=save]").click();
  await writer.waitForURL(/\/media\/articles\/[0-9a-f-]{36}\/edit/);
  const editUrl = writer.url().split("?")[0] ?? "";
  await writer.locator("form[action$='/submit'] button").click();
  await writer.waitForSelector(".badge.state-submitted");

  // The editor returns it with a general note and a comment on the second paragraph.
  const editorContext = await newContext(browser);
  const editor = await editorContext.newPage();
  await logIn(editor, node.url, "ana", "long enough");
  await editor.goto(editUrl);
  await editor
    .locator("#return-note")
    .fill("Lovely piece. Tell us who rebuilt the weir, by name if you can.");
  await editor.locator("#comment-2").fill("Which villagers? A name or two would bring this alive.");
  await shot(editor, "review-1280");
  await editor.locator("form[action$='/return'] button[type=submit]").click();
  await editor.waitForSelector(".badge.state-returned");

  // The writer sees the comments, revises and resubmits.
  await writer.goto(editUrl);
  await writer.waitForSelector(".review");
  assert.match((await writer.locator(".review").textContent()) ?? "", /Which villagers\?/);
  const mobileWriterContext = await newContext(browser, { mobile: true });
  const mobileWriter = await mobileWriterContext.newPage();
  await mobileWriter.context().addCookies(await writerContext.cookies());
  await mobileWriter.goto(editUrl);
  await shot(mobileWriter, "returned-390");
  await mobileWriterContext.close();
  const revised = (await writer.locator("#f-body").inputValue()).replace(
    "by the villages themselves.",
    "by the villages themselves, led by Rosa Quispe and Tomás Mamani.",
  );
  await writer.locator("#f-body").fill(revised);
  await writer.locator("button[name=intent][value=save]").click();
  await writer.waitForURL(/done=/);
  await writer.locator("form[action$='/submit'] button").click();
  await writer.waitForSelector(".badge.state-submitted");

  // The editor approves and publishes.
  await editor.goto(editUrl);
  await editor.locator("form[action$='/approve'] button").click();
  await editor.waitForSelector(".badge.state-approved");
  await editor.locator("form[action$='/publish'] button").click();
  await editor.waitForSelector(".badge.state-published");
  await shot(editor, "published-log-1280");
  const publicPath = await editor.locator(".workflow a[href^='/articles/']").getAttribute("href");
  assert.ok(publicPath);

  // A visitor reads it: no script, nothing from elsewhere, at both widths and in print.
  for (const mobile of [false, true]) {
    const readerContext = await newContext(browser, { mobile });
    const reader = await readerContext.newPage();
    const requests: string[] = [];
    reader.on("request", (r) => requests.push(r.url()));
    await reader.goto(`${node.url}${publicPath}`);
    await reader.waitForLoadState("networkidle");
    assert.equal(await reader.locator("h1.article-title").textContent(), "Who owns the river?");
    assert.match((await reader.locator(".article-body").textContent()) ?? "", /Rosa Quispe/);
    assert.equal(await reader.locator("script:not([type='application/ld+json'])").count(), 0);
    for (const url of requests) assert.ok(url.startsWith(node.url), `same origin: ${url}`);
    assert.ok(
      requests.some((u) => u.includes("/media/")),
      "the cover comes from this node",
    );
    const overflow = await reader.evaluate<number>(
      "document.documentElement.scrollWidth - window.innerWidth",
    );
    assert.ok(overflow <= 0, `nothing wider than the screen (${overflow}px)`);
    await shot(reader, mobile ? "article-390" : "article-1280");
    if (!mobile) {
      await reader.emulateMedia({ media: "print" });
      await shot(reader, "article-print");
      await reader.emulateMedia({ media: "screen", colorScheme: "dark" });
      await shot(reader, "article-dark-1280");
    }
    await readerContext.close();
  }
  const front = await (
    await browser.newContext({ viewport: { width: 1280, height: 860 } })
  ).newPage();
  await front.goto(`${node.url}/publications/valley`);
  await shot(front, "publication-1280");
  await front.goto(`${node.url}/media`);
  await shot(front, "media-1280");
  await writerContext.close();
  await editorContext.close();
});
