// The web filter's pages in a real browser: the public block page a browser is sent to, with
// the clause and the request links, and the findings an auditor may read. axe-core's WCAG 2.2
// A and AA checks run on every page visited.
//
// Run with `node --test tests/browser/` after `cargo build -p steward-cli` and `scripts/assets`.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  checkPage,
  launchBrowser,
  newPage,
  startDemo,
} from "./support.mjs";

const AS_OF = "2027-05-20";

let server;
let browser;

before(async () => {
  server = await startDemo(AS_OF);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const url = (path) => new URL(path, server.url).href;

async function settled(page) {
  await page.waitForFunction(() => document.body.classList.contains("govuk-frontend-supported"));
}

async function open(opened, path, name) {
  const response = await opened.page.goto(url(path));
  assert.equal(response.status(), 200, `status of ${path}`);
  await settled(opened.page);
  await checkPage(opened, name);
}

test("the block page names the category and clause and escapes the address", async () => {
  const opened = await newPage(browser);
  const blocked = encodeURIComponent("http://bet.example/<img src=x onerror=alert(1)>");
  await open(
    opened,
    `/councils/brackenshire-county/blocked?category=gambling&url=${blocked}`,
    "web-filter-blocked",
  );
  const main = await opened.page.locator("main").innerText();
  assert.match(main, /This website is blocked/);
  assert.match(main, /gambling/);
  assert.match(main, /clause 18, Use of ICT Policy/);
  assert.equal(await opened.page.locator("main img").count(), 0, "the address is only text");
  assert.match(await opened.page.locator("#blocked-url").innerText(), /<img src=x/);
  const report = opened.page.getByRole("link", { name: "Report that you reached it by accident" });
  assert.match(await report.getAttribute("href"), /sign-in\?next=.*accidental_access.*bet\.example/);
  await opened.context.close();
});

test("an auditor reads what monitoring found, and one person's findings", async () => {
  const opened = await newPage(browser);
  const { page } = opened;
  const slug = "caldmoor-city";
  const auditor = server.account(slug, "auditor");
  await page.goto(url(`/councils/${slug}/sign-in`));
  await settled(page);
  await page.getByLabel("Username").fill(auditor.username);
  await page.getByLabel("Password").fill(auditor.password);
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Sign in" }).click()]);
  await settled(page);

  await open(opened, `/councils/${slug}/oversight`, "web-filter-hub");
  await page.getByRole("link", { name: "Web monitoring" }).click();
  await settled(page);
  await open(opened, new URL(page.url()).pathname, "web-filter-findings");
  const table = await page.locator("table").innerText();
  assert.match(table, /Not known to the register: 10\.20\.0\.99/);
  const person = page.locator("table tbody th a").first();
  await person.click();
  await settled(page);
  await open(opened, new URL(page.url()).pathname, "web-filter-person");
  assert.match(await page.locator("h1").innerText(), /What monitoring found: /);

  // The findings filter takes the person's name as well as their reference.
  const who = (await page.locator("h1").innerText()).replace(/^What monitoring found: /, "").trim();
  const name = who.replace(/ \([^)]*\)$/, "");
  await open(opened, `/councils/${slug}/monitoring/findings?person=${encodeURIComponent(name)}`, "web-filter-findings-by-name");
  const rows = await page.locator("table tbody tr").allInnerTexts();
  assert.ok(rows.length > 0, `findings for ${name}`);
  for (const row of rows) assert.ok(row.includes(name), row);
  await opened.context.close();
});
