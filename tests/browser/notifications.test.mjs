// The Notifications page in a real browser: an officer finds the notices the server's own
// sweep queued at start-up, each with its clause, opens one that has no address, and is told
// why it cannot be sent, with the reason linked from the error summary. axe-core's WCAG 2.2 A
// and AA checks run on every page visited.
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
const SLUG = "fenwold-borough";
const SWEEP_WITHIN_MS = 30_000;

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

async function check(opened, name) {
  return checkPage(opened, name);
}

async function submit(page, button) {
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole("button", { name: button }).click(),
  ]);
  await settled(page);
  return response;
}

test("an officer sees the sweep's notices and why one cannot be sent", async () => {
  const opened = await newPage(browser);
  const { page } = opened;
  const officer = server.account(SLUG, "officer");
  await page.goto(url(`/councils/${SLUG}/sign-in`));
  await settled(page);
  await page.getByLabel("Username").fill(officer.username);
  await page.getByLabel("Password").fill(officer.password);
  await submit(page, "Sign in");
  assert.match(await page.locator("#navigation").innerText(), /Oversight/);

  // The sweep runs beside the server as it starts; wait for its notices to be filed.
  const list = url(`/councils/${SLUG}/notifications`);
  const deadline = Date.now() + SWEEP_WITHIN_MS;
  for (;;) {
    const response = await page.goto(list);
    assert.equal(response.status(), 200);
    if ((await page.locator("table tbody tr").count()) > 0) break;
    assert.ok(Date.now() < deadline, "the start-up sweep queued nothing");
    await page.waitForTimeout(250);
  }
  await settled(page);
  await check(opened, "notifications");
  assert.equal(await page.locator("h1").innerText(), "Notifications");
  assert.equal(await page.locator('#navigation [aria-current="true"]').innerText(), "Oversight");

  // Officers have no address in the demo register, so their notices wait for someone to act.
  const waiting = page.getByRole("link", { name: /have no email address/ });
  await Promise.all([page.waitForNavigation(), waiting.click()]);
  await settled(page);
  const first = page.locator("table tbody tr th a").first();
  await Promise.all([page.waitForNavigation(), first.click()]);
  await settled(page);
  await check(opened, "notification");
  assert.match(await page.locator(".govuk-summary-list").first().innerText(), /No email address/);
  assert.match(await page.locator(".govuk-summary-list").first().innerText(), /clause /);

  const refused = await submit(page, "Try sending it again");
  assert.equal(refused.status(), 400);
  assert.match(await page.title(), /^Error: /);
  const link = page.locator(".govuk-error-summary a").first();
  assert.equal(await link.getAttribute("href"), "#actions");
  assert.equal(await page.locator("#actions").count(), 1);
  await check(opened, "notification-refused");
});
