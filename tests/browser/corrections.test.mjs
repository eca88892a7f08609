// Correcting the register in a real browser, in the demo's borough council: an officer
// corrects a person's name and email address, adds a term of office to someone added without
// one, corrects an item's serial number, and imports a small people file: the first upload has
// a bad row, whose line and column the page names; the fixed file is previewed and confirmed.
// checkPage checks every page visited (axe-core, words not internals, no sideways scrolling).
//
// Run with `node --test tests/browser/corrections.test.mjs` after `cargo build -p steward-cli`
// and `scripts/assets`.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { checkPage, launchBrowser, newPage, startDemo } from "./support.mjs";

const AS_OF = "2027-05-20";
const SLUG = "fenwold-borough";
const BASE = `/councils/${SLUG}`;

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

async function follow(page, target) {
  const [response] = await Promise.all([page.waitForNavigation(), target.click()]);
  await settled(page);
  return response;
}

function button(page, name) {
  return page.getByRole("button", { name, exact: true });
}

async function go(opened, path) {
  const response = await opened.page.goto(new URL(path, server.url).href);
  assert.equal(response.status(), 200, `status of ${path}`);
  await settled(opened.page);
}

async function signedInOfficer() {
  const opened = await newPage(browser);
  const { page } = opened;
  const account = server.account(SLUG, "officer");
  await go(opened, `${BASE}/sign-in`);
  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("Password").fill(account.password);
  const response = await follow(page, button(page, "Sign in"));
  assert.equal(response.status(), 200, "the officer signed in");
  return opened;
}

test("an officer corrects a person's name and email address", async () => {
  const officer = await signedInOfficer();
  const { page } = officer;
  await go(officer, `${BASE}/people?sort=reference`);
  await follow(page, page.locator("main table tbody tr a").first());
  const personUrl = page.url();
  await checkPage(officer, "corrections-person");

  await follow(page, page.getByRole("link", { name: "Change name" }));
  assert.match(await page.title(), /^Change the details of /);
  await checkPage(officer, "corrections-person-edit");

  // A bad address is refused against its field, with the summary linking to it.
  await page.getByLabel("Full name").fill("Hester Quillfeather");
  await page.getByLabel("Email address (optional)").fill("hester at fenwold");
  const refused = await follow(page, button(page, "Save the changes"));
  assert.equal(refused.status(), 400);
  assert.match(await page.title(), /^Error: /);
  const summary = page.locator(".govuk-error-summary a");
  assert.equal(await summary.getAttribute("href"), "#email");
  assert.match(await summary.innerText(), /does not look like an email address/);
  assert.equal(await page.getByLabel("Full name").inputValue(), "Hester Quillfeather");
  await checkPage(officer, "corrections-person-edit-error");

  await page.getByLabel("Email address (optional)").fill("hester.quillfeather@fenwold.gov.uk");
  await follow(page, button(page, "Save the changes"));
  assert.equal(page.url().split("?")[0], personUrl);
  assert.match(await page.locator(".govuk-notification-banner").innerText(), /have been changed/);
  const details = await page.locator(".govuk-summary-list").first().innerText();
  assert.match(details, /Hester Quillfeather/);
  assert.match(details, /hester\.quillfeather@fenwold\.gov\.uk/);
  await checkPage(officer, "corrections-person-changed");
  await officer.context.close();
});

test("an officer adds a term to someone added without one", async () => {
  const officer = await signedInOfficer();
  const { page } = officer;
  await go(officer, `${BASE}/people/new`);
  await page.getByLabel("Reference").fill("T900");
  await page.getByLabel("Full name").fill("Tamsin Oakley");
  await page.getByLabel("Kind of person").selectOption("employee");
  await follow(page, button(page, "Add the person"));
  assert.match(page.url(), /\/people\/T900$/);
  const noTerm = page.locator("#no-term");
  assert.match(await noTerm.innerText(), /Tamsin Oakley has no current term of office/);
  await checkPage(officer, "corrections-no-term");

  await follow(page, noTerm.getByRole("link", { name: "Add a term for Tamsin Oakley" }));
  assert.equal(new URL(page.url()).pathname, `${BASE}/people/T900/terms/new`);
  await checkPage(officer, "corrections-term-new");
  // An end before the start is refused against the end.
  await page.getByLabel("Term starts").fill("01/05/2027");
  await page.getByLabel("Term ends (optional)").fill("01/04/2027");
  const refused = await follow(page, button(page, "Add the term"));
  assert.equal(refused.status(), 400);
  assert.equal(await page.locator(".govuk-error-summary a").getAttribute("href"), "#ends");
  await checkPage(officer, "corrections-term-new-error");

  await page.getByLabel("Term ends (optional)").fill("");
  await follow(page, button(page, "Add the term"));
  assert.match(await page.locator(".govuk-notification-banner").innerText(), /The term has been added/);
  assert.equal(await page.locator("#no-term").count(), 0);
  assert.match(await page.locator("main").innerText(), /From 1 May 2027, with no end date/);
  await checkPage(officer, "corrections-term-added");
  await officer.context.close();
});

test("an officer corrects an item's serial number", async () => {
  const officer = await signedInOfficer();
  const { page } = officer;
  await go(officer, `${BASE}/equipment?sort=tag`);
  await follow(page, page.locator("main table tbody tr a").first());
  const itemUrl = page.url();
  await follow(page, page.getByRole("link", { name: "Change serial number" }));
  await checkPage(officer, "corrections-item-edit");
  await page.getByLabel("Serial number (optional)").fill("FW-CORRECTED-0001");
  await follow(page, button(page, "Save the changes"));
  assert.equal(page.url().split("?")[0], itemUrl);
  assert.match(await page.locator(".govuk-notification-banner").innerText(), /have been changed/);
  assert.match(await page.locator(".govuk-summary-list").first().innerText(), /FW-CORRECTED-0001/);
  await checkPage(officer, "corrections-item-changed");
  // The search finds it by the new serial number.
  await go(officer, `${BASE}/equipment?q=fw-corrected-0001`);
  assert.equal(await page.locator("main table tbody tr").count(), 1);
  await officer.context.close();
});

test("an officer imports people from a file, fixing the row the preview refused", async () => {
  const officer = await signedInOfficer();
  const { page } = officer;
  await go(officer, `${BASE}/people`);
  await follow(page, page.getByRole("button", { name: "Import people from a file" }));
  assert.match(await page.locator("main").innerText(), /up to 5 MB with up to 20,000 rows/);
  await checkPage(officer, "corrections-import");

  const upload = async (text) => {
    await page.getByLabel("Upload a CSV file").setInputFiles({
      name: "new-people.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(text),
    });
    await button(page, "Upload and check").click();
  };
  const bad =
    "reference,name,kind,term_start\n" +
    "N901,Ivo Marsh,councillor,07/05/2026\n" +
    "N902,Jun Reed,wizard,07/05/2026\n" +
    "N903,Kit Vale,employee,\n";
  await upload(bad);
  // The page comes back in place of the form once the upload is checked.
  await page.locator("#problems").waitFor();
  await settled(page);
  const problems = await page.locator("main table").innerText();
  assert.match(problems, /Line 3\s+Kind\s+/);
  assert.match(await page.locator(".govuk-error-summary").innerText(), /problems on 1 line; nothing was imported/);
  // The refused file is answered with 400 on purpose, to the upload script's request.
  const answered = officer.problems.indexOf(`400 for ${new URL(`${BASE}/people/import`, server.url).href}`);
  assert.ok(answered >= 0, `the refusal came as the script's request: ${officer.problems}`);
  officer.problems.splice(answered, 1);
  await checkPage(officer, "corrections-import-problems");

  await upload(bad.replace("wizard", "councillor"));
  await page.locator("#import-total").waitFor();
  await settled(page);
  assert.match(await page.locator("#import-total").innerText(), /^3 people will be added/);
  const rows = await page.locator("main table tbody").innerText();
  assert.match(rows, /N902\s+Jun Reed\s+Councillor/);
  await checkPage(officer, "corrections-import-preview");

  await button(page, "Confirm and import 3 people").click();
  await page.locator(".govuk-notification-banner").waitFor();
  await settled(page);
  assert.match(await page.locator(".govuk-notification-banner").innerText(), /3 people imported from new-people\.csv/);
  await checkPage(officer, "corrections-import-done");
  await go(officer, `${BASE}/people/N902`);
  assert.match(await page.locator("h1").innerText(), /Jun Reed/);
  await officer.context.close();
});
