// Information requests and printable documents in a real browser: the administrator (who
// handles information requests in every council) opens the register and a request, then the
// subject access document of the demo member, and downloads it and the member's acceptance
// form as PDFs, which are turned into PNG images beside the screenshots. axe-core checks every
// page visited.
//
// Run with `node --test tests/browser/` after `cargo build -p steward-cli` and `scripts/assets`.
// The PDFs are rendered with poppler's pdftoppm (Debian's poppler-utils).

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
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
const SLUG = "fenwold-borough";
const shots = join(root, "target/screenshots");

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

async function signIn(opened, username) {
  const { page } = opened;
  const account = server.accounts.find((a) => a.council === SLUG && a.username === username);
  assert.ok(account, `the demo printed the ${username} account of ${SLUG}`);
  await page.goto(new URL(`/councils/${SLUG}/sign-in`, server.url).href);
  await settled(page);
  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("Password").fill(account.password);
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole("button", { name: "Sign in", exact: true }).click(),
  ]);
  assert.equal(response.status(), 200, `signed in as ${username}`);
  await settled(page);
}

function hasTool(name) {
  try {
    execFileSync(name, ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Downloads a PDF with the page's session, keeps it under target/screenshots/<name>.pdf and
 * renders each page to <name>-<n>.png; returns the PDF's text when pdftotext is installed.
 */
async function pdf(opened, href, name) {
  const response = await opened.page.request.get(new URL(href, server.url).href);
  assert.equal(response.status(), 200, `status of ${href}`);
  assert.equal(response.headers()["content-type"], "application/pdf");
  const body = await response.body();
  assert.equal(body.subarray(0, 5).toString(), "%PDF-");
  mkdirSync(shots, { recursive: true });
  const file = join(shots, `${name}.pdf`);
  writeFileSync(file, body);
  execFileSync("pdftoppm", ["-png", "-r", "60", file, join(shots, name)]);
  const pages = readdirSync(shots).filter((f) => f.startsWith(`${name}-`) && f.endsWith(".png"));
  assert.ok(pages.length >= 1, `${name}.pdf has at least one page`);
  return hasTool("pdftotext") ? execFileSync("pdftotext", [file, "-"]).toString() : null;
}

test("an administrator reads the information requests and prints a subject access document and a form", async () => {
  const base = `/councils/${SLUG}`;
  const admin = await newPage(browser);
  await signIn(admin, "admin");
  const { page } = admin;

  await go(admin, `${base}/information-requests`, "information-requests");
  const main = page.locator("main");
  assert.match(await main.innerText(), /FOI-2027-0001/);
  assert.match(await main.innerText(), /Waiting for clarification/);

  await page.getByRole("link", { name: "FOI-2027-0001" }).click();
  await settled(page);
  await check(admin, "information-request");
  assert.match(await main.innerText(), /20 working days, Freedom of Information Act 2000/);
  assert.match(await main.innerText(), /clause 9\.3, Protocol on the use of ICT by Members/);

  // A form sent empty comes back with its error linked to the field.
  const [closed] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole("button", { name: "Close the request", exact: true }).click(),
  ]);
  assert.equal(closed.status(), 400);
  await settled(page);
  assert.match(await page.title(), /^Error: /);
  assert.equal(await page.locator('.govuk-error-summary a[href="#close_on"]').count(), 1);
  await check(admin, "information-request-error");

  await go(admin, `${base}/information-requests?kind=sar`, "information-requests-sar");
  await page.getByRole("link", { name: "SAR-2027-0001" }).click();
  await settled(page);
  await check(admin, "subject-access-request");
  await page.getByRole("link", { name: "subject access document" }).click();
  await settled(page);
  await check(admin, "subject-access-document");
  const heading = await page.locator("h1").innerText();
  const name = heading.replace("Information held about ", "").trim();
  assert.ok(name.length > 0);
  assert.match(await main.innerText(), /Producing this document was recorded in the audit trail/);

  const sarHref = await page
    .getByRole("link", { name: "Download this document as a PDF" })
    .getAttribute("href");
  const sarText = await pdf(admin, sarHref, "subject-access");
  if (sarText !== null) {
    assert.match(sarText, new RegExp(name));
  }

  await page.getByRole("link", { name: `Back to ${name}` }).click();
  await settled(page);
  await check(admin, "person-with-print-links");
  const formHref = await page
    .getByRole("link", { name: /^Print an acceptance form for / })
    .getAttribute("href");
  const formText = await pdf(admin, formHref, "acceptance-form");
  if (formText !== null) {
    assert.match(formText, new RegExp(name));
    assert.match(formText, /Protocol on the use of ICT by Members/);
    assert.match(formText, /FENWOLD-BOROUGH\/M\d+\/V1\//);
  }
  await admin.context.close();
});

test("a member asked about a request answers it from their own page", async () => {
  const base = `/councils/${SLUG}`;
  const member = await newPage(browser);
  await signIn(member, "member");
  const { page } = member;
  await go(member, `${base}/me`, "me-asked-about-request");
  assert.match(await page.locator("main").innerText(), /asked you about 1 information request/);
  await page.getByRole("link", { name: "Say what you hold" }).click();
  await settled(page);
  await check(member, "my-information-requests");
  assert.match(await page.locator("main").innerText(), /FOI-2027-0001/);

  // Sent empty, the answer comes back with its error linked to the field.
  const [empty] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole("button", { name: "Send your answer", exact: true }).click(),
  ]);
  assert.equal(empty.status(), 400);
  await settled(page);
  assert.equal(await page.locator('.govuk-error-summary a[href="#answer"]').count(), 1);
  await check(member, "my-information-requests-error");

  await page.getByLabel(/What you hold about FOI-2027-0001/).fill("Two emails about the purchase");
  const [sent] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole("button", { name: "Send your answer", exact: true }).click(),
  ]);
  assert.equal(sent.status(), 200);
  await settled(page);
  assert.match(
    await page.locator(".govuk-notification-banner").innerText(),
    /Your answer about FOI-2027-0001 was recorded/,
  );
  await check(member, "my-information-requests-answered");
  await member.context.close();
});

test("an administrator's form to record a request is accessible", async () => {
  const admin = await newPage(browser);
  await signIn(admin, "admin");
  await go(admin, `/councils/${SLUG}/information-requests/new`, "information-request-new");
  const [sent] = await Promise.all([
    admin.page.waitForNavigation(),
    admin.page.getByRole("button", { name: "Record the request", exact: true }).click(),
  ]);
  assert.equal(sent.status(), 400);
  await settled(admin.page);
  assert.equal(await admin.page.locator('.govuk-error-summary a[href="#kind"]').count(), 1);
  await check(admin, "information-request-new-error");
  await admin.context.close();
});
