// Every list page of a county-sized register (5,000 people, 10,000 items, about 7,000 open
// loans) opened in a real browser: each answers, shows one page of its rows with the way on to
// the next, reads on a phone and an iPad without sideways scrolling, and passes axe-core. How
// long each page took is printed for the record, never asserted: the figures are in
// docs/performance.md.
//
// Run with `node --test tests/browser/` after `cargo build -p steward-cli` and `scripts/assets`.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { checkPage, launchBrowser, newPage, startDemo } from "./support.mjs";

const AS_OF = "2027-05-20";
const SLUG = "brackenshire-county";
const BASE = `/councils/${SLUG}`;

// The officer's lists, and whether the county's register fills more than one page of each.
const OFFICER_LISTS = [
  ["start", "/start", false],
  ["due", "/due", true],
  ["people", "/people", true],
  ["people-search", "/people?q=whit", false],
  ["equipment", "/equipment", true],
  ["equipment-issued", "/equipment?kind=laptop&state=issued", true],
  ["loans", "/loans", true],
  ["loans-overdue", "/loans?show=overdue", false],
  ["loans-all", "/loans?show=all&sort=return_by&dir=desc", true],
  ["signatures", "/signatures", true],
  ["signatures-outstanding", "/signatures?show=outstanding", false],
  ["requests", "/requests", false],
  ["cases", "/cases", false],
  ["information-requests", "/information-requests", false],
  ["notifications", "/notifications", false],
  ["phone-bills", "/phone-bills", false],
  ["phone-statements", "/phone-statements", false],
  ["findings", "/monitoring/findings", false],
  ["audit", "/audit", true],
];
const ADMIN_LISTS = [
  ["accounts", "/admin/accounts", false],
  ["tokens", "/admin/tokens", false],
  ["versions", "/policy/versions", false],
];

let server;
let browser;

before(async () => {
  server = await startDemo(AS_OF, { size: "county" });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function settled(page) {
  await page.waitForFunction(() => document.body.classList.contains("govuk-frontend-supported"));
}

async function signIn(opened, role) {
  const { page } = opened;
  const account = server.account(SLUG, role);
  await page.goto(new URL(`${BASE}/sign-in`, server.url).href);
  await settled(page);
  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("Password").fill(account.password);
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Sign in", exact: true }).click()]);
  await settled(page);
}

/** Opens `path`, checks it as a person would see it, and returns how long it took. */
async function open(opened, path, name) {
  const { page } = opened;
  const started = performance.now();
  const response = await page.goto(new URL(path, server.url).href);
  const took = performance.now() - started;
  assert.equal(response.status(), 200, `status of ${path}`);
  await settled(page);
  await checkPage(opened, `county-${name}`);
  return took;
}

async function walk(role, lists) {
  const desk = await newPage(browser);
  await signIn(desk, role);
  for (const [name, path, paged] of lists) {
    const took = await open(desk, `${BASE}${path}`, name);
    const { page } = desk;
    let next = "";
    if (paged) {
      assert.ok((await page.locator("main table tbody tr").count()) > 0, `${path} lists rows`);
      const link = page.locator('main a[rel="next"]').first();
      assert.equal(await link.count(), 1, `${path} offers the next page`);
      const href = await link.getAttribute("href");
      const second = await open(desk, new URL(href, page.url()).href, `${name}-next`);
      next = `, next page ${second.toFixed(0)} ms`;
    }
    console.log(`${role} ${path}: ${took.toFixed(0)} ms${next}`);
  }
  await desk.context.close();
}

test("every officer's list of a county answers one page at a time", async () => {
  await walk("officer", OFFICER_LISTS);
});

test("every administrator's list of a county answers", async () => {
  await walk("admin", ADMIN_LISTS);
});
