// Consequential actions are checked before they are done, in a real browser, in the demo's
// borough council: an officer records a loan's return, sees in words what will happen, changes
// their mind and comes back, then confirms; disposes of the returned item once erased; records
// that a member has left office. A member presses Continue on the report page with nothing
// chosen and is told so, on a phone-sized screen. axe-core checks every page visited.
//
// Run with `node --test tests/browser/` after `cargo build -p steward-cli` and `scripts/assets`.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  axeViolations,
  describeViolations,
  launchBrowser,
  newPage,
  screenshot,
  startDemo,
} from "./support.mjs";

const AS_OF = "2027-05-20";
const SLUG = "fenwold-borough";
const BASE = `/councils/${SLUG}`;
const PHONE = { viewport: { width: 390, height: 844 } };

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

/** Screenshot, axe, and nothing that failed to load. */
async function check(opened, name) {
  const { page, problems } = opened;
  await screenshot(page, name);
  const violations = await axeViolations(page);
  assert.deepEqual(
    violations.map((v) => v.id),
    [],
    `axe found accessibility problems on ${page.url()}:\n${describeViolations(violations)}`,
  );
  assert.deepEqual(problems, [], `problems loading ${page.url()}`);
}

async function follow(page, target) {
  const [response] = await Promise.all([page.waitForNavigation(), target.click()]);
  await settled(page);
  return response;
}

function button(page, name) {
  return page.getByRole("button", { name, exact: true });
}

async function signIn(opened, role) {
  const { page } = opened;
  const account = server.account(SLUG, role);
  await page.goto(new URL(`${BASE}/sign-in`, server.url).href);
  await settled(page);
  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("Password").fill(account.password);
  const response = await follow(page, button(page, "Sign in"));
  assert.equal(response.status(), 200, `signed in as the ${role} of ${SLUG}`);
}

async function go(opened, path) {
  const response = await opened.page.goto(new URL(path, server.url).href);
  assert.equal(response.status(), 200, `status of ${path}`);
  await settled(opened.page);
}

/** The page is no wider than the screen: nothing scrolls sideways. */
async function fitsTheScreen(page) {
  const [scroll, client] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    document.documentElement.clientWidth,
  ]);
  assert.ok(scroll <= client, `the page is ${scroll}px wide on a ${client}px screen`);
}

test("a member pressing Continue with nothing chosen is told to choose, on a phone", async () => {
  const member = await newPage(browser, PHONE);
  const { page } = member;
  await signIn(member, "member");
  await go(member, `${BASE}/me/requests/new`);
  await fitsTheScreen(page);
  await check(member, "report-kind-390");
  const refused = await follow(page, button(page, "Continue"));
  assert.equal(refused.status(), 400);
  assert.match(await page.title(), /^Error: Report a problem or ask for something - /);
  const summary = page.locator(".govuk-error-summary a");
  assert.equal(await summary.innerText(), "Choose what you want to report or ask for");
  assert.equal(await summary.getAttribute("href"), "#kind");
  assert.match(await page.locator("#kind-error").innerText(), /Choose what you want to report/);
  await fitsTheScreen(page);
  await check(member, "report-kind-empty-390");
  // The link in the summary takes the focus to the first choice.
  await summary.click();
  assert.equal(await page.evaluate(() => document.activeElement.id), "kind");
  await member.context.close();
});

test("an officer checks a return and a disposal before confirming them", async () => {
  const officer = await newPage(browser);
  const { page } = officer;
  await signIn(officer, "officer");
  await go(officer, `${BASE}/loans`);
  const loanLink = page.locator("main table tbody tr a").first();
  await follow(page, loanLink);
  const loanUrl = page.url();
  const tag = (await page.locator("main").innerText()).match(/[A-Z]{3}-\d{4}/)?.[0];
  assert.ok(tag, "the loan names its item");

  await follow(page, page.locator("#return"));
  assert.match(await page.title(), /^Check before recording the return - /);
  const happens = await page.locator("#happens").innerText();
  assert.match(happens, new RegExp(`The loan of ${tag} to .+ ends today, 20 May 2027\\.`));
  await check(officer, "check-return");
  // Changing one's mind leaves the loan as it was.
  await follow(page, page.getByRole("link", { name: "Change item" }));
  assert.equal(page.url(), loanUrl);
  assert.match(await page.locator("#status").innerText(), /not yet returned/);

  await follow(page, page.locator("#return"));
  await follow(page, button(page, "Record the return"));
  assert.match(await page.locator(".govuk-notification-banner").innerText(), new RegExp(`${tag} has been returned`));

  // Once erased, its disposal is checked first too, and says it cannot be undone.
  await go(officer, `${BASE}/equipment/${tag}`);
  await page.getByLabel("New state").selectOption("erased");
  await follow(page, button(page, "Change the state"));
  await page.getByLabel("New state").selectOption("disposed");
  await follow(page, button(page, "Change the state"));
  assert.match(await page.title(), /^Check before disposing of equipment - /);
  assert.match(await page.locator(".govuk-warning-text").innerText(), /Disposal cannot be undone/);
  await check(officer, "check-disposal");
  await follow(page, button(page, "Record the disposal"));
  assert.match(await page.locator(".govuk-notification-banner").innerText(), new RegExp(`${tag} is now disposed`));
  await officer.context.close();
});

test("an officer checks that a member has left before recording it", async () => {
  const officer = await newPage(browser, PHONE);
  const { page } = officer;
  await signIn(officer, "officer");
  await go(officer, `${BASE}/people?kind=councillor&serving=yes`);
  const person = page.locator("main table tbody tr a").first();
  await follow(page, person);
  const reference = page.url().split("/").pop();
  await go(officer, `${BASE}/people/${reference}/leave`);
  await page.getByLabel("The day they left office").fill("19/05/2027");
  await page.getByLabel("Stood down").check();
  await follow(page, button(page, "Continue"));
  assert.match(
    await page.title(),
    /^Check before recording that someone has left - /,
    await page.locator("main").innerText(),
  );
  assert.match(await page.locator("#happens").innerText(), /is recorded as having left office on 19 May 2027\./);
  await fitsTheScreen(page);
  await check(officer, "check-leaving-390");
  // Change keeps what was typed.
  await follow(page, page.getByRole("button", { name: /^Change/ }).first());
  assert.equal(await page.getByLabel("The day they left office").inputValue(), "19/05/2027");
  assert.equal(await page.getByLabel("Stood down").isChecked(), true);
  await follow(page, button(page, "Continue"));
  await follow(page, button(page, "Record that they have left"));
  assert.match(await page.title(), /^Leaving recorded - /);
  await officer.context.close();
});
