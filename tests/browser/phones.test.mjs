// Phone costs in a real browser: the demo's Cabinet Member ticks a personal call and sees the
// totals the server works out; an officer reads the bill and what is owed. axe-core checks every
// page visited.
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

async function settled(page) {
  await page.waitForFunction(() => document.body.classList.contains("govuk-frontend-supported"));
}

async function check(opened, name) {
  return checkPage(opened, name);
}

async function go(opened, path, name) {
  const response = await opened.page.goto(new URL(path, server.url).href);
  assert.equal(response.status(), 200, `status of ${path}`);
  await settled(opened.page);
  await check(opened, name);
}

async function submit(page, button) {
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole("button", { name: button, exact: true }).click(),
  ]);
  await settled(page);
  return response;
}

async function signIn(opened, username) {
  const { page } = opened;
  const account = server.accounts.find((a) => a.council === SLUG && a.username === username);
  assert.ok(account, `the demo printed the ${username} account of ${SLUG}`);
  await page.goto(new URL(`/councils/${SLUG}/sign-in`, server.url).href);
  await settled(page);
  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("Password").fill(account.password);
  const response = await submit(page, "Sign in");
  assert.equal(response.status(), 200, `signed in as ${username}`);
}

test("a Cabinet Member ticks a personal call and an officer sees what is owed", async () => {
  const base = `/councils/${SLUG}`;
  const holder = await newPage(browser);
  await signIn(holder, "cabinet");
  const { page } = holder;
  await page.getByRole("link", { name: "Your phone calls" }).first().click();
  await settled(page);
  await check(holder, "my-phone");
  assert.match(await page.locator("main").innerText(), /clause 7\.4, Protocol on the use of ICT by Members/);

  await page.getByRole("link", { name: "April 2027" }).click();
  await settled(page);
  await check(holder, "my-phone-april");
  const boxes = page.getByRole("checkbox");
  assert.equal(await boxes.count(), 7);
  await page.getByRole("checkbox", { name: /Data roaming/ }).check();
  const saved = await submit(page, "Save and work out the totals");
  assert.equal(saved.status(), 200);
  assert.match(
    await page.locator(".govuk-notification-banner").innerText(),
    /1 personal item, costing £2\.50/,
  );
  assert.equal(await page.getByRole("checkbox", { name: /Data roaming/ }).isChecked(), true);
  await check(holder, "my-phone-saved");
  await holder.context.close();

  const officer = await newPage(browser);
  await signIn(officer, "officer");
  await go(officer, `${base}/phone-bills`, "phone-bills");
  await go(officer, `${base}/phone-bills/2`, "phone-bill");
  assert.match(await officer.page.locator("main").innerText(), /Data roaming/);
  await go(officer, `${base}/phone-statements`, "phone-statements");
  assert.match(await officer.page.locator("main").innerText(), /£0\.94 is still owed/);
  await go(officer, `${base}/phone-statements/1`, "phone-statement");
  await go(officer, `${base}/equipment/PHN-0102`, "phone-item");
  assert.match(await officer.page.locator("main").innerText(), /07700 900471/);
  await go(officer, `${base}/phone-bills/import`, "phone-import");
  await officer.context.close();
});
