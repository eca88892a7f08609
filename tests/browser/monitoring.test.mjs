// The monitoring pages in a real browser, on the demo's device checks and forwarding snapshot:
// the compliance page, uploading device checks (a file with a bad line is refused with an error
// summary linked to the file field and its problems by line; a good one is checked, then
// imported), the mail forwarding page and uploading a snapshot to it (refused by line, then
// checked, then imported), the directory settings and the report of device
// compliance over time. Every page is checked by checkPage (axe-core, internals, sideways
// overflow at a phone's and an iPad's width, screenshots).
//
// Run with `node --test tests/browser/monitoring.test.mjs` after `cargo build -p steward-cli`
// and `scripts/assets`.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { checkPage, launchBrowser, newPage, startDemo } from "./support.mjs";

const AS_OF = "2027-05-20";
const BOROUGH = "fenwold-borough";
/** The serial the demo gives the borough's first laptop. */
const SERIAL = "SNfenwoldborough0001";

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

async function signIn(page, slug, role) {
  const account = server.account(slug, role);
  await page.goto(url(`/councils/${slug}/sign-in`));
  await settled(page);
  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("Password").fill(account.password);
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Sign in" }).click()]);
  await settled(page);
}

async function open(opened, path, name, status = 200) {
  const response = await opened.page.goto(url(path));
  assert.equal(response.status(), status, `status of ${path}`);
  await settled(opened.page);
  await checkPage(opened, name);
}

/**
 * Chooses a format and a file on the upload page and sends it. The upload script sends the
 * form and puts the answer in place of the page, so the test waits for `marker` in it.
 */
async function upload(page, format, name, text, marker) {
  await page.getByLabel(format, { exact: true }).check();
  await page.getByLabel("Upload the file").setInputFiles({
    name,
    mimeType: "text/csv",
    buffer: Buffer.from(text),
  });
  await page.getByRole("button", { name: "Upload and check" }).click();
  await page.locator(marker).waitFor();
  await settled(page);
}

test("an officer sees device compliance, uploads checks and reads them over time", async () => {
  const opened = await newPage(browser);
  const { page } = opened;
  await signIn(page, BOROUGH, "officer");

  await open(opened, `/councils/${BOROUGH}/compliance`, "monitoring-compliance");
  const main = await page.locator("main").innerText();
  // The demo's laptop whose antivirus was off, and the one that stopped reporting.
  assert.match(main, /LAP-0100/);
  assert.match(main, /last checked in on .* more than 14 days ago/);

  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Upload device checks" }).click()]);
  await settled(page);
  await checkPage(opened, "monitoring-posture-upload");
  assert.match(await page.locator("main").innerText(), /A file may be up to 8 MB/);

  // A bad line: an error summary linked to the file field, and the problem by its line.
  const header = "device,check,result,observed_at,source,detail\n";
  await upload(page, "Steward's own format", "checks.csv", `${header}${SERIAL},screen_lock,maybe,2027-05-19T10:00:00Z,browser,\n`, "#problems");
  assert.match(await page.title(), /^Error: /);
  // The refused file is answered with 400 on purpose, to the upload script's request.
  const refused = opened.problems.indexOf(`400 for ${url(`/councils/${BOROUGH}/compliance/upload`)}`);
  assert.ok(refused >= 0, `the refusal came as the script's request: ${opened.problems}`);
  opened.problems.splice(refused, 1);
  const summary = page.locator(".govuk-error-summary");
  assert.match(await summary.innerText(), /checks\.csv has problems on 1 line; nothing was imported/);
  await checkPage(opened, "monitoring-posture-upload-bad");
  assert.match(await page.locator("#problems + p + div table").innerText(), /Line 2/);
  await summary.locator('a[href="#file"]').click();
  assert.equal(await page.evaluate(() => document.activeElement.id), "file");

  // A good file is checked first, then imported.
  await upload(page, "Steward's own format", "checks.csv", `${header}${SERIAL},screen_lock,pass,2027-05-19T10:00:00Z,browser,\nDESK-0042,checked_in,pass,2027-05-19T10:00:00Z,browser,\n`, "dl.govuk-summary-list");
  assert.equal(await page.locator("h1").innerText(), "Check the device checks before importing them");
  assert.match(await page.locator("main").innerText(), /DESK-0042/);
  await checkPage(opened, "monitoring-posture-check");
  await page.getByRole("button", { name: "Confirm and import" }).click();
  await page.locator(".govuk-notification-banner").waitFor();
  await settled(page);
  assert.equal(await page.locator("h1").innerText(), "Device checks imported");
  await checkPage(opened, "monitoring-posture-imported");

  // Over time: one bar a week for the last twelve weeks, the duties with their clauses.
  await open(opened, `/councils/${BOROUGH}/reports/compliance`, "monitoring-compliance-report");
  const report = await page.locator("main").innerText();
  assert.match(report, /Week of 17 May 2027/);
  assert.match(report, /Antivirus on and updating \(laptop\)/);
  assert.match(report, /clause 3\.3\.1/);
  assert.equal(await page.locator("svg.steward-chart .steward-chart__bar").count(), 13);
  // A range longer than a year is an error linked to its field.
  await open(opened, `/councils/${BOROUGH}/reports/compliance?from=01/01/2026`, "monitoring-compliance-report-long", 400);
  await page.locator('.govuk-error-summary a[href="#from"]').click();
  assert.equal(await page.evaluate(() => document.activeElement.id), "from");
  await page.context().close();
});

test("an auditor reads mail forwarding and an administrator the directory settings", async () => {
  const opened = await newPage(browser);
  const { page } = opened;
  await signIn(page, BOROUGH, "auditor");
  await open(opened, `/councils/${BOROUGH}/monitoring/mail-forwards`, "monitoring-mail-forwards");
  const main = await page.locator("main").innerText();
  assert.match(main, /home\.address@mail\.example\.com/);
  assert.match(main, /Everything home/);
  // Auditors read compliance but do not upload.
  await open(opened, `/councils/${BOROUGH}/compliance`, "monitoring-compliance-auditor");
  assert.equal(await page.getByRole("link", { name: "Upload device checks" }).count(), 0);
  await page.context().close();

  const admin = await newPage(browser);
  await signIn(admin.page, BOROUGH, "admin");
  await open(admin, `/councils/${BOROUGH}/admin/directory`, "monitoring-directory");
  await admin.context.close();
});

test("an officer checks a forwarding snapshot before importing it", async () => {
  // Runs last: the snapshot replaces the demo's inbox rules that the test before reads.
  const opened = await newPage(browser);
  const { page } = opened;
  await signIn(page, BOROUGH, "officer");
  const path = `/councils/${BOROUGH}/monitoring/mail-forwards`;
  await open(opened, path, "monitoring-mail-upload");

  const send = async (format, name, text) => {
    await page.getByLabel(format).check();
    await page.getByLabel("Snapshot file").setInputFiles({ name, mimeType: "text/plain", buffer: Buffer.from(text) });
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Upload and check" }).click()]);
    await settled(page);
  };

  // A bad line: an error summary linked to the file field, and the problem by its line.
  await send("Exchange PowerShell export", "mailboxes.csv", "PrimarySmtpAddress,ForwardingSmtpAddress\nbrowser@fenwold.example.gov.uk,not an address\n");
  assert.match(await page.title(), /^Error: /);
  const refused = opened.problems.findIndex((p) => p.startsWith("400 for "));
  if (refused >= 0) opened.problems.splice(refused, 1);
  const summary = page.locator(".govuk-error-summary");
  assert.match(await summary.innerText(), /mailboxes\.csv has problems/);
  assert.match(await page.locator("#problems + div table").innerText(), /Line 2/);
  await checkPage(opened, "monitoring-mail-upload-bad");
  await summary.locator('a[href="#file"]').click();
  assert.equal(await page.evaluate(() => document.activeElement.id), "file");

  // A good snapshot is checked first: what it holds, with nothing imported yet.
  const rules = JSON.stringify({
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('browser%40fenwold.example.gov.uk')/mailFolders('inbox')/messageRules",
    value: [{ id: "AQAAAJ5dZqB=", displayName: "Copy to my own address", sequence: 1, isEnabled: true, conditions: {}, actions: { forwardTo: [{ emailAddress: { name: "Me", address: "checked.forward@mail.example.com" } }], stopProcessingRules: true } }],
  });
  await send("Microsoft Graph inbox rules", "rules.json", rules);
  assert.equal(await page.locator("h1").innerText(), "Check the snapshot before importing it");
  const check = await page.locator("main").innerText();
  assert.match(check, /Mailboxes that forward mail\s+1/);
  assert.match(check, /Forwards that break the policy\s+0/);
  await checkPage(opened, "monitoring-mail-check");
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Confirm and import" }).click()]);
  await settled(page);
  assert.match(await page.locator(".govuk-notification-banner").innerText(), /1 forwards imported from rules\.json/);
  assert.match(await page.locator("main").innerText(), /checked\.forward@mail\.example\.com/);
  await checkPage(opened, "monitoring-mail-imported");
  await page.context().close();
});
