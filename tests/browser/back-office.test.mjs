// The officer back office in a real browser: an officer picks a member and a laptop by typing
// part of a name and a tag, is refused because the member has not signed the policy, sees the
// refusal and its clause against the person field, follows the remedy to record the member's
// paper form, comes back to the issue form as they left it, and lends the laptop. axe-core
// checks every page visited.
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
// In the demo every third member has not signed; M006 has no household and holds no laptop.
const MEMBER = "M006";
const LAPTOP = "LAP-0108";

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

/** Waits until govuk-frontend's script has started. */
async function settled(page) {
  await page.waitForFunction(() => document.body.classList.contains("govuk-frontend-supported"));
}

/** Screenshot, axe, and nothing that failed to load. */
async function check(opened, name) {
  return checkPage(opened, name);
}

async function go(opened, path, name, status = 200) {
  const response = await opened.page.goto(new URL(path, server.url).href);
  assert.equal(response.status(), status, `status of ${path}`);
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

/** Types into a picker and chooses the suggestion that ends with `ending`. */
async function choose(page, label, typed, ending) {
  const field = page.getByRole("combobox", { name: label, exact: true });
  await field.fill(typed);
  const option = page.locator(`[id="${await field.getAttribute("id")}__listbox"] li`, { hasText: ending });
  await option.first().waitFor();
  await option.first().click();
  assert.ok((await field.inputValue()).endsWith(ending), `${label} holds the choice`);
}

async function signIn(opened, role, slug = SLUG) {
  const { page } = opened;
  const account = server.account(slug, role);
  await page.goto(new URL(`/councils/${slug}/sign-in`, server.url).href);
  await settled(page);
  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("Password").fill(account.password);
  const response = await submit(page, "Sign in");
  assert.equal(response.status(), 200, `signed in as the ${role} of ${slug}`);
}

test("an officer issues with the pickers, is refused with the clause, records the paper form and comes back to lend the laptop", async () => {
  const opened = await newPage(browser);
  const { page, context } = opened;
  await signIn(opened, "officer");
  const base = `/councils/${SLUG}`;

  // The back office is in the navigation.
  for (const name of ["Requests", "Cases", "People", "Equipment", "Loans", "Oversight"]) {
    assert.equal(await page.getByRole("link", { name, exact: true }).count(), 1, name);
  }
  await go(opened, `${base}/people`, "office-people");
  assert.match(await page.locator("main table").innerText(), new RegExp(MEMBER));
  await go(opened, `${base}/people?sort=name&dir=desc&q=M00`, "office-people-sorted");
  assert.equal(await page.locator("th[aria-sort=descending]").innerText(), "Name ▼");
  await go(opened, `${base}/equipment`, "office-equipment");
  // Who holds each item comes with the list; the filters narrow it in the database.
  await go(opened, `${base}/equipment?kind=laptop&state=issued`, "office-equipment-issued");
  const issuedRows = await page.locator("main table tbody tr").allInnerTexts();
  assert.ok(issuedRows.length > 0, "the demo has laptops on loan");
  for (const row of issuedRows) assert.match(row, /laptop\s+.*issued\s+.+\([A-Z]+\d+\)/s);
  await go(opened, `${base}/equipment/${LAPTOP}`, "office-item");
  assert.match(await page.locator("#changes").innerText(), /Registered as in stock/);
  await go(opened, `${base}/signatures`, "office-signatures");
  assert.match(await page.locator("main table").innerText(), /Not signed/);
  await go(opened, `${base}/signatures?show=outstanding`, "office-signatures-outstanding");
  const waiting = await page.locator("main table tbody tr").allInnerTexts();
  assert.ok(waiting.length > 0);
  for (const row of waiting) assert.match(row, /Not signed|No longer counts/);

  // The member who lost their seat three weeks ago still holds their equipment, which the
  // protocol wants back at once: overdue, and tagged so.
  await go(opened, `${base}/loans?show=overdue`, "office-loans-overdue");
  const overdue = await page.locator("main table tbody tr").count();
  assert.ok(overdue > 0, "the demo has overdue loans");
  assert.equal(
    await page.locator("main table tbody tr .govuk-tag", { hasText: "Overdue" }).count(),
    overdue,
  );

  // Issuing with the pickers: the officer types part of the member's name and the laptop's
  // tag, and chooses each from the suggestions.
  await go(opened, `${base}/people/${MEMBER}`, "office-person-before");
  const memberName = (await page.locator("main h1").innerText()).trim();
  await go(opened, `${base}/loans/issue`, "office-issue");
  await choose(page, "Who is borrowing it", memberName, `(${MEMBER})`);
  await choose(page, "Which item", LAPTOP, `(${LAPTOP})`);
  await check(opened, "office-issue-picked");

  // Refused: each reason against its field, with its clause, and a way to the remedy.
  const refused = await submit(page, "Issue equipment");
  assert.equal(refused.status(), 400);
  assert.match(await page.title(), /^Error: Issue equipment - /);
  const summary = await page.locator(".govuk-error-summary").innerText();
  assert.match(
    summary,
    /has not signed the signed protocol for the current policy \(clause 1\.2, Protocol on the use of ICT by Members\)/,
  );
  assert.equal(
    await page.evaluate(() => document.activeElement.classList.contains("govuk-error-summary")),
    true,
    "focus moves to the error summary",
  );
  assert.match(await page.locator("#person-error").innerText(), /has not signed/);
  assert.equal(await page.locator("#person").inputValue(), `${memberName} (${MEMBER})`);
  await check(opened, "office-issue-refused");
  // Nothing was lent (looked at in another tab, keeping the refused form open).
  const peek = await context.newPage();
  await peek.goto(new URL(`${base}/loans?q=${LAPTOP}`, server.url).href);
  assert.match(await peek.locator("main").innerText(), /No loans match/);
  await peek.close();

  // The remedy: the member's paper form, then straight back to the issue form as it was.
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole("link", { name: `Record ${memberName}'s signed paper form` }).click(),
  ]);
  await settled(page);
  await check(opened, "office-paper");
  assert.equal(await page.locator("#person").inputValue(), MEMBER);
  await page.getByLabel("Date the form was signed", { exact: true }).fill("19/05/2027");
  const recorded = await submit(page, "Record the paper form");
  assert.equal(recorded.status(), 200);
  assert.match(page.url(), /\/loans\/issue\?/);
  assert.equal(await page.locator("#person").inputValue(), `${memberName} (${MEMBER})`);
  assert.match(await page.locator("#asset_tag").inputValue(), new RegExp(`\\(${LAPTOP}\\)$`));
  await check(opened, "office-issue-again");

  // Now the policy allows it.
  const issued = await submit(page, "Issue equipment");
  assert.equal(issued.status(), 200);
  assert.match(page.url(), /\/loans\/\d+\?done=issued$/);
  const banner = await page.locator(".govuk-notification-banner").innerText();
  assert.match(banner, new RegExp(`${LAPTOP} has been lent to .+\\.`));
  // This council's protocol lends for the member's term, with no fixed date to show.
  assert.match(banner, /Return by .+ \(clause .+\)|The policy sets no return date/);
  await check(opened, "office-loan-issued");

  await go(opened, `${base}/loans?q=${LAPTOP}`, "office-loans-after");
  const rows = await page.locator("main table tbody tr").count();
  assert.equal(rows, 1);
  await go(opened, `${base}/people/${MEMBER}`, "office-person");
  assert.match(await page.locator("main").innerText(), /Signed on 19 May 2027/);

  // The auditor sees the lists but no forms.
  await context.close();
  const auditor = await newPage(browser);
  await signIn(auditor, "auditor");
  await go(auditor, `${base}/loans`, "office-loans-auditor");
  assert.equal(await auditor.page.getByRole("link", { name: "Issue equipment" }).count(), 0);
  await auditor.context.close();
});

test("the authorising field lists who holds the authorising office today", async () => {
  // Brackenshire's policy has every loan authorised by its Democratic Support Manager.
  const county = "brackenshire-county";
  const opened = await newPage(browser);
  await signIn(opened, "officer", county);
  const { page } = opened;
  await go(opened, `/councils/${county}/loans/issue`, "office-issue-authorising");
  const hint = await page.locator("#authorised_by-hint").innerText();
  assert.match(hint, /authorisation by the Democratic Support Manager \(clause 7, .+\)\./);
  const held = hint.match(/Held today by (.+ \([A-Z]+\d+\))\./);
  assert.ok(held || /Nobody holds that office today\./.test(hint), hint);
  if (held) {
    // The field offers exactly the holders, without typing.
    const field = page.getByRole("combobox", { name: "Authorising officer", exact: true });
    await field.click();
    const options = page.locator("#authorised_by__listbox li");
    await options.first().waitFor();
    assert.equal(await options.first().innerText(), held[1].split(" and ")[0]);
    await check(opened, "office-issue-authorising-open");
  }
  await opened.context.close();
});

test("the extension form says who holds the approving offices and which nobody holds", async () => {
  // Dunmere's policy wants an extension approved by the Mayor and the Town Clerk; in the demo
  // nobody is Mayor.
  const town = "dunmere-town";
  const opened = await newPage(browser);
  await signIn(opened, "officer", town);
  const { page } = opened;
  await go(opened, `/councils/${town}/loans`, "office-loans-town");
  await Promise.all([page.waitForNavigation(), page.locator("main table tbody tr a").first().click()]);
  await settled(page);
  await check(opened, "office-loan-extend");
  const hint = await page.locator("#approved_by-hint").innerText();
  assert.match(hint, /approval by the Mayor and Town Clerk \(clause 4\.5, .+\)\./);
  assert.match(hint, /Held today by .+ \([A-Z]+\d+\)\./);
  assert.match(hint, /Nobody holds the office of Mayor today\./);
  await opened.context.close();
});
