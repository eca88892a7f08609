// The web pages in a real browser: signing in with the demo's accounts, a member signing the
// policy and seeing their equipment, the as-of form's error handling, keyboard access, and
// axe-core's WCAG 2.2 A and AA checks on every page visited.
//
// Run with `node --test tests/browser/` after `cargo build -p steward-cli` and `scripts/assets`.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  checkPage,
  launchBrowser,
  newPage,
  screenshot,
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

/**
 * Opens `path`, checks the response status, runs axe, records a screenshot, and fails on any
 * accessibility violation or anything that went wrong loading the page.
 */
async function visit(path, { status = 200, name, viewport, as } = {}) {
  const opened = await newPage(browser, viewport ? { viewport } : {});
  if (as) {
    await signIn(opened, as.slug, as.role);
  }
  const response = await opened.page.goto(new URL(path, server.url).href);
  assert.equal(response.status(), status, `status of ${path}`);
  await settled(opened.page);
  return check(opened, name);
}

/** Signs in on the council's sign-in page with the demo account for `role`. */
async function signIn(opened, slug, role, { name } = {}) {
  const { page } = opened;
  const account = server.account(slug, role);
  await page.goto(new URL(`/councils/${slug}/sign-in`, server.url).href);
  await settled(page);
  if (name) {
    await check(opened, name);
  }
  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("Password").fill(account.password);
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole("button", { name: "Sign in" }).click(),
  ]);
  assert.equal(response.status(), 200, `signed in as the ${role} of ${slug}`);
  await settled(page);
  return account;
}

/** Submits the page's form with the button named `button`; resolves to the response. */
async function submit(page, button) {
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole("button", { name: button }).click(),
  ]);
  await settled(page);
  return response;
}

/** Waits until govuk-frontend's script has started (the page's module scripts have run). */
async function settled(page) {
  await page.waitForFunction(() => document.body.classList.contains("govuk-frontend-supported"));
}

async function check(opened, name) {
  return checkPage(opened, name);
}

/** The text of each cell of each body row of the first table. */
function tableRows(page) {
  return page.$$eval("table tbody tr", (rows) =>
    rows.map((row) => [...row.querySelectorAll("th, td")].map((cell) => cell.innerText.trim())),
  );
}

test("the council list links to each council's sign-in page", async () => {
  const { page, context } = await visit("/", { name: "councils" });
  assert.equal(await page.title(), "Councils - Steward");
  const links = await page.$$eval("main table tbody th a", (as) =>
    as.map((a) => [a.textContent.trim(), a.getAttribute("href")]),
  );
  assert.equal(links.length, 5, JSON.stringify(links));
  assert.deepEqual(links[0], ["Ashbury City Council", "/councils/ashbury-city/sign-in"]);
  // Each council's row also leads to its form for raising a concern without signing in.
  const concerns = await page.$$eval("main table tbody td a", (as) => as.map((a) => a.getAttribute("href")));
  assert.equal(concerns.length, 5);
  assert.equal(concerns[0], "/councils/ashbury-city/concerns/new");

  // Styled by govuk-frontend in Arial, with no GOV.UK typeface or branding.
  const font = await page.evaluate(() => getComputedStyle(document.querySelector("h1")).fontFamily);
  assert.match(font, /^arial, helvetica, sans-serif$/i);
  const text = await page.evaluate(() => document.documentElement.outerHTML);
  assert.doesNotMatch(text, /GOV\.UK|GDS Transport|govuk-logo|crown/i);
  assert.equal(await page.locator(".govuk-generic-header").innerText(), "Steward");
  await context.close();
});

test("the first Tab reaches the skip link, which leads to the main content", async () => {
  const { page, context } = await newPage(browser);
  await page.goto(server.url);
  await settled(page);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), "Skip to main content");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement.id), "main-content");
  await context.close();
});

test("every council's page of what is due shows its items with their clauses", async () => {
  const { page: index, context } = await visit("/", { name: "councils" });
  const councils = await index.$$eval("main table tbody th a", (as) =>
    as.map((a) => ({ name: a.textContent.trim(), href: a.getAttribute("href") })),
  );
  await context.close();

  for (const council of councils) {
    const slug = council.href.split("/")[2];
    const { page, context } = await visit(`/councils/${slug}/due`, {
      name: `due-${slug}`,
      as: { slug, role: "auditor" },
    });
    assert.equal(await page.title(), `What is due - ${council.name} - Steward`);
    assert.equal(await page.locator("h1").innerText(), "What is due");
    assert.equal(await page.locator(".govuk-service-navigation__service-name").innerText(), council.name);
    assert.equal(await page.locator('[aria-current="page"]').innerText(), "What is due");
    assert.match(await page.locator("main").innerText(), /As of 20 May 2027\./);
    const rows = await tableRows(page);
    assert.ok(rows.length > 0, `${council.name} has something due`);
    for (const row of rows) {
      assert.equal(row.length, 6, JSON.stringify(row));
      assert.match(row[1], /^(Now|\d{1,2} [A-Z][a-z]+ \d{4})$/, `due date of ${JSON.stringify(row)}`);
      assert.ok(row[5].length > 0, `clause of ${JSON.stringify(row)}`);
      assert.doesNotMatch(row.join(" "), /\d{4}-\d{2}-\d{2}/, "dates are written out");
    }
    if (slug === "ashbury-city") {
      const overdue = rows.find((row) => row[0] === "Overdue return");
      assert.ok(overdue, JSON.stringify(rows));
      assert.equal(overdue[1], "9 May 2027");
      assert.equal(overdue[3], "LAP-0100");
      assert.equal(overdue[4], "LAP-0100 was due back 11 days ago");
      assert.equal(overdue[5], "clause 28.9, Code on use of IT equipment");
    }
    await context.close();
  }
});

test("a date that cannot be read is explained in the error summary and at the field", async () => {
  const { page, context, problems } = await visit("/councils/dunmere-town/due", {
    name: "due-dunmere-town",
    as: { slug: "dunmere-town", role: "officer" },
  });
  await page.getByLabel("Show what is due on").fill("31/02/2027");
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole("button", { name: "Show" }).click(),
  ]);
  assert.equal(response.status(), 400);
  await settled(page);
  assert.equal(await page.title(), "Error: What is due - Dunmere Town Council - Steward");

  // govuk-frontend moves focus to the summary, whose link leads to the field.
  const summary = page.locator(".govuk-error-summary");
  assert.equal(await summary.locator("h2").innerText(), "There is a problem");
  assert.ok(await summary.evaluate((el) => el === document.activeElement), "the summary has focus");
  const link = summary.locator("a");
  assert.equal(await link.getAttribute("href"), "#as_of");
  const message = "Enter the date as day/month/year, for example 16/05/2027";
  assert.equal(await link.innerText(), message);
  assert.equal((await page.locator("#as_of-error").textContent()).trim(), `Error: ${message}`);
  assert.equal(await page.locator("#as_of").inputValue(), "31/02/2027");
  assert.equal(await page.locator("#as_of").getAttribute("aria-describedby"), "as_of-hint as_of-error");
  assert.equal(await page.locator("table").count(), 0);
  await check({ page, problems }, "due-error");

  await link.click();
  assert.equal(await page.evaluate(() => document.activeElement.id), "as_of");

  // Correcting the date shows the page for that day.
  await page.locator("#as_of").fill("16/05/2027");
  const [fixed] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole("button", { name: "Show" }).click(),
  ]);
  assert.equal(fixed.status(), 200);
  assert.equal(await page.title(), "What is due - Dunmere Town Council - Steward");
  assert.match(await page.locator("caption").innerText(), /^Due as of 16 May 2027: 1 to (\d+) of \1$/);
  await context.close();
});

test("the start page's counts each lead to the list they count", async () => {
  const { page, context } = await visit("/councils/fenwold-borough/start", {
    name: "start-fenwold-borough",
    as: { slug: "fenwold-borough", role: "officer" },
  });
  assert.equal(await page.title(), "Today's work - Fenwold Borough Council - Steward");
  assert.equal(await page.locator('[aria-current="page"]').innerText(), "Today");
  const figures = await page.$$eval(".steward-cards__figure", (as) =>
    as.map((a) => ({ href: a.getAttribute("href"), text: a.textContent.trim() })),
  );
  const base = "/councils/fenwold-borough";
  const hrefs = figures.map((f) => f.href);
  for (const href of [
    "/loans?show=overdue",
    "/loans?show=due-this-week",
    "/signatures?show=outstanding",
    "/requests",
    "/requests?late=yes",
    "/requests?assigned=me",
    "/cases",
    "/notifications?state=failed",
    "/due",
  ]) {
    assert.ok(hrefs.includes(base + href), `a count links to ${href}: ${JSON.stringify(hrefs)}`);
  }
  for (const f of figures.filter((f) => !f.href.endsWith("/policy"))) {
    assert.match(f.text, /^\d+ /, `a count: ${JSON.stringify(f)}`);
  }
  // Every figure's list opens; the due list holds as many items as its count says.
  for (const f of figures) {
    const opened = await page.request.get(new URL(f.href, server.url).href);
    assert.equal(opened.status(), 200, f.href);
  }
  const everything = figures.find((f) => f.href === `${base}/due`);
  const total = Number(everything.text.split(" ")[0]);
  await page.locator(`a[href="${base}/due"].steward-cards__figure`).click();
  await settled(page);
  assert.equal(new URL(page.url()).pathname, `${base}/due`);
  assert.match(await page.locator("caption").innerText(), new RegExp(` of ${total}$`));
  await context.close();

  // On a phone the cards stack and nothing scrolls sideways; an auditor reads the same counts.
  const narrow = await visit("/councils/fenwold-borough/start", {
    name: "start-fenwold-borough-phone",
    viewport: { width: 390, height: 844 },
    as: { slug: "fenwold-borough", role: "auditor" },
  });
  const width = await narrow.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the page does not scroll sideways (${width}px)`);
  assert.match(await narrow.page.locator("main").innerText(), /You can read these lists but not change them\./);
  await narrow.context.close();
  await visit("/councils/fenwold-borough/start", {
    name: "start-fenwold-borough-ipad",
    viewport: { width: 820, height: 1180 },
    as: { slug: "fenwold-borough", role: "admin" },
  }).then((o) => o.context.close());
});

test("a narrow screen keeps the table readable by scrolling it", async () => {
  const { page, context } = await visit("/councils/fenwold-borough/due", {
    name: "due-fenwold-borough-narrow",
    viewport: { width: 375, height: 800 },
    as: { slug: "fenwold-borough", role: "admin" },
  });
  const region = page.getByRole("region", { name: /^Due as of/ });
  assert.equal(await region.getAttribute("tabindex"), "0");
  const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(pageWidth <= 375, `the page itself does not scroll sideways (${pageWidth}px)`);
  await context.close();
});

test("unknown pages and councils get a page not found in the site's layout", async () => {
  for (const [path, name] of [
    ["/no/such/page", "not-found"],
    ["/councils/nowhere/due", "not-found-council"],
  ]) {
    const { page, context } = await visit(path, { status: 404, name });
    assert.equal(await page.title(), "Page not found - Steward");
    assert.equal(await page.locator("h1").innerText(), "Page not found");
    await context.close();
  }
});

test("signing in: a wrong password is explained, a right one leads to the register", async () => {
  const opened = await newPage(browser);
  const { page, context, problems } = opened;
  await page.goto(new URL("/councils/dunmere-town/sign-in", server.url).href);
  await settled(page);
  assert.equal(await page.title(), "Sign in - Dunmere Town Council - Steward");
  await check(opened, "sign-in");

  await page.getByLabel("Username").fill("auditor");
  await page.getByLabel("Password").fill("not the password at all");
  const refused = await submit(page, "Sign in");
  assert.equal(refused.status(), 400);
  assert.equal(await page.title(), "Error: Sign in - Dunmere Town Council - Steward");
  const summary = page.locator(".govuk-error-summary");
  assert.ok(await summary.evaluate((el) => el === document.activeElement), "the summary has focus");
  const link = summary.locator("a");
  assert.equal(await link.innerText(), "The username or password is not right.");
  assert.equal(await link.getAttribute("href"), "#username");
  assert.equal(await page.locator("#username").inputValue(), "auditor");
  assert.equal(await page.locator("#password").inputValue(), "", "the password is never sent back");
  await check({ page, problems }, "sign-in-error");

  const account = server.account("dunmere-town", "auditor");
  await page.getByLabel("Password").fill(account.password);
  const signed = await submit(page, "Sign in");
  assert.equal(signed.status(), 200);
  assert.equal(new URL(page.url()).pathname, "/councils/dunmere-town/start");
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === "steward_session");
  assert.ok(session, JSON.stringify(cookies));
  assert.equal(session.httpOnly, true);
  assert.equal(session.secure, true);
  assert.equal(session.sameSite, "Lax");
  assert.equal(session.expires, -1, "a session cookie, gone when the browser closes");

  // An auditor reads the register but has no equipment pages of their own; the navigation's
  // first link is the start page they landed on.
  const nav = await page.locator("#navigation").innerText();
  assert.match(nav, /^Today\s+What is due/);
  assert.equal(await page.locator('[aria-current="page"]').innerText(), "Today");
  assert.doesNotMatch(nav, /Your equipment/);
  const mine = await page.goto(new URL("/councils/dunmere-town/me", server.url).href);
  assert.equal(mine.status(), 403);
  await settled(page);
  assert.equal(await page.locator("h1").innerText(), "You cannot see this page");
  await check({ page, problems }, "forbidden");

  // Signing out ends the session: the register asks for a sign-in again.
  await page.goto(new URL("/councils/dunmere-town/due", server.url).href);
  await settled(page);
  const out = await submit(page, "Sign out");
  assert.equal(out.status(), 200);
  assert.equal(new URL(page.url()).pathname, "/councils/dunmere-town/sign-in");
  await page.goto(new URL("/councils/dunmere-town/due", server.url).href);
  assert.equal(new URL(page.url()).pathname, "/councils/dunmere-town/sign-in");
  await context.close();
});

test("a member signs the policy and sees their laptop's return date and clause", async () => {
  const opened = await newPage(browser);
  const { page, context, problems } = opened;
  await signIn(opened, "fenwold-borough", "member", { name: "sign-in-fenwold-borough" });
  assert.equal(new URL(page.url()).pathname, "/councils/fenwold-borough/me");
  assert.equal(await page.title(), "Your equipment - Fenwold Borough Council - Steward");
  const nav = await page.locator("#navigation").innerText();
  assert.match(nav, /Your equipment/);
  assert.match(nav, /Read and sign the policy/);
  assert.doesNotMatch(nav, /What is due/);
  const name = (await page.locator(".govuk-caption-l").innerText()).trim();

  // The policy, with a wrong name first.
  await page.getByRole("link", { name: "Read and sign the policy" }).first().click();
  await settled(page);
  assert.equal(await page.title(), "Read and sign the policy - Fenwold Borough Council - Steward");
  assert.ok((await page.locator(".steward-policy-text h2").count()) > 0, "the text is rendered");
  await check(opened, "policy");
  await page.getByLabel("Type your full name to sign").fill("Somebody Else");
  const refused = await submit(page, "Sign the policy");
  assert.equal(refused.status(), 400);
  assert.equal(await page.title(), "Error: Read and sign the policy - Fenwold Borough Council - Steward");
  const link = page.locator(".govuk-error-summary a");
  assert.equal(await link.getAttribute("href"), "#typed_name");
  assert.equal(await link.innerText(), "Type your name exactly as the register holds it to sign.");
  await check({ page, problems }, "policy-error");

  await page.getByLabel("Type your full name to sign").fill(name);
  const signed = await submit(page, "Sign the policy");
  assert.equal(signed.status(), 200);
  assert.equal(await page.locator("h1").innerText(), "You have signed the policy");
  const receipt = await page.locator(".govuk-summary-list").innerText();
  assert.match(receipt, /Date\s+20 May 2027/);
  assert.match(receipt, /Policy version\s+1 /);
  // The version is named in words; the hash of its text is for the record, not the reader.
  assert.doesNotMatch(receipt, /[0-9a-f]{12}/);
  await check({ page, problems }, "policy-signed");

  // Their equipment: the recalled laptop, its date written out, and the clause.
  await page.getByRole("link", { name: "Your equipment" }).first().click();
  await settled(page);
  const rows = await tableRows(page);
  const laptop = rows.find((row) => row[0].startsWith("LAP-"));
  assert.ok(laptop, JSON.stringify(rows));
  assert.equal(laptop[2], "24 May 2027");
  assert.equal(laptop[3], "clause 8.2, Protocol on the use of ICT by Members");
  assert.match(await page.locator("main").innerText(), /You signed the policy on 20 May 2027/);
  await check({ page, problems }, "your-equipment");

  // Members do not see the register.
  const due = await page.goto(new URL("/councils/fenwold-borough/due", server.url).href);
  assert.equal(due.status(), 403);
  await context.close();
});
