// The reports and the retention page in a real browser: an auditor opens every report (the
// monitoring findings report too, which auditors may read), whose
// chart is an image with a title and its figures as text, and downloads its CSV and PDF (the
// PDF drawn as PNG with pdftoppm, where installed, beside the screenshots); a member may not
// see them; an administrator previews what retention would purge. axe-core's WCAG 2.2 A and AA
// checks run on every page visited.
//
// Run with `node --test tests/browser/` after `cargo build -p steward-cli` and `scripts/assets`.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  checkPage,
  launchBrowser,
  newPage,
  root,
  startDemo,
} from "./support.mjs";

const AS_OF = "2027-05-20";
const BOROUGH = "fenwold-borough";
const TOWN = "dunmere-town";
const REPORTS = ["overdue", "signatures", "refresh", "requests", "equipment", "findings", "compliance"];
const ARTEFACTS = join(root, "target/screenshots");

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
  await check(opened, name);
}

/** pdftoppm's pages as PNG into target/screenshots, when poppler-utils is installed. */
function drawPdf(file, stem) {
  try {
    execFileSync("pdftoppm", ["-png", "-r", "60", file, join(ARTEFACTS, stem)]);
    return true;
  } catch (err) {
    if (err.code === "ENOENT") return false;
    throw err;
  }
}

test("an auditor reads every report with its chart, CSV and PDF", async () => {
  const opened = await newPage(browser);
  const { page } = opened;
  await signIn(page, BOROUGH, "auditor");

  await open(opened, `/councils/${BOROUGH}/oversight`, "reports-oversight-hub");
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Reports" }).click()]);
  await settled(page);
  assert.equal(await page.locator("h1").innerText(), "Reports");
  await check(opened, "reports-index");
  // Retention is the administrator's.
  assert.equal(await page.getByRole("link", { name: "Retention" }).count(), 0);

  for (const name of REPORTS) {
    await open(opened, `/councils/${BOROUGH}/reports/${name}`, `report-${name}`);
    const chart = page.locator("svg.steward-chart");
    assert.equal(await chart.getAttribute("role"), "img");
    const label = await chart.getAttribute("aria-label");
    assert.ok(label && label.length > 10, `${name}: the chart's label says what it shows`);
    assert.ok((await chart.locator("title").textContent()).length > 0, `${name}: chart title`);
    // The chart's figures are also in a table, and the report's rows in another.
    assert.ok((await page.locator("details table tbody tr").count()) > 0, `${name}: chart table`);

    const csv = await page.request.get(url(`/councils/${BOROUGH}/reports/${name}/csv`));
    assert.equal(csv.status(), 200);
    assert.match(csv.headers()["content-type"], /^text\/csv/);
    const heading = (await csv.text()).split("\r\n")[0];
    const columns = await page.$$eval("main table:not(details table) thead th", (cells) =>
      cells.map((c) => c.innerText.trim()),
    );
    if (columns.length > 0) {
      assert.equal(heading, columns.join(","), `${name}: CSV heading matches the table`);
    }

    const pdf = await page.request.get(url(`/councils/${BOROUGH}/reports/${name}/pdf`));
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()["content-type"], "application/pdf");
    const bytes = await pdf.body();
    assert.equal(bytes.subarray(0, 5).toString("latin1"), "%PDF-");
    mkdirSync(ARTEFACTS, { recursive: true });
    const file = join(ARTEFACTS, `report-${name}.pdf`);
    writeFileSync(file, bytes);
    drawPdf(file, `report-${name}-pdf`);
  }

  // The replacement plan names the borough's four-year cycle and its clause.
  await page.goto(url(`/councils/${BOROUGH}/reports/refresh`));
  assert.match(await page.locator("main").innerText(), /every 4 years/);

  // A date that cannot be read is an error linked to its field.
  await open(opened, `/councils/${BOROUGH}/reports/overdue?as_of=someday`, "report-bad-date", 400);
  assert.match(await page.title(), /^Error: /);
  await page.locator('.govuk-error-summary a[href="#as_of"]').click();
  assert.equal(await page.evaluate(() => document.activeElement.id), "as_of");
  await page.context().close();
});

test("a member may not see the reports", async () => {
  const opened = await newPage(browser);
  const { page } = opened;
  await signIn(page, BOROUGH, "member");
  const response = await page.goto(url(`/councils/${BOROUGH}/reports`));
  assert.equal(response.status(), 403);
  const csv = await page.request.get(url(`/councils/${BOROUGH}/reports/overdue/csv`));
  assert.equal(csv.status(), 403);
  await page.context().close();
});

test("an administrator previews what retention would purge", async () => {
  const opened = await newPage(browser);
  const { page } = opened;
  await signIn(page, TOWN, "admin");
  await open(opened, `/councils/${TOWN}/oversight`, "retention-oversight-hub");
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Retention" }).click()]);
  await settled(page);
  await check(opened, "retention-preview");
  const main = await page.locator("main").innerText();
  assert.match(main, /Closed requests/);
  assert.match(main, /clause 2\.1, IT Policy/);
  assert.match(main, /90 days/);
  await page.context().close();
});
