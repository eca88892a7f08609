// Setting a council up in a real browser: from an empty database, through the one-time
// address the server prints, to the administrators' getting-started list. Every page is
// checked by axe-core's WCAG 2.2 A and AA rules and photographed at a phone's, a tablet's and a
// desktop's width.
//
// Run with `node --test tests/browser/` after `cargo build -p steward-cli` and `scripts/assets`.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { axeViolations, describeViolations, launchBrowser, newPage, screenshot, startEmpty } from "./support.mjs";

const WIDTHS = [390, 820, 1280];

let server;
let browser;

before(async () => {
  server = await startEmpty();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function settled(page) {
  await page.waitForFunction(() => document.body.classList.contains("govuk-frontend-supported"));
}

/** Screenshots at each width, axe at each, and no sideways scrolling on the narrow ones. */
async function check(opened, name) {
  const { page, problems } = opened;
  await settled(page);
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await screenshot(page, `setup-${name}-${width}`);
    const violations = await axeViolations(page);
    assert.deepEqual(
      violations.map((v) => v.id),
      [],
      `axe found accessibility problems on ${page.url()} at ${width}px:\n${describeViolations(violations)}`,
    );
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scroll <= width, `${name} does not scroll sideways at ${width}px (${scroll}px)`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.deepEqual(problems, [], `problems loading ${page.url()}`);
}

async function submit(page, name) {
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name, exact: true }).click()]);
  await settled(page);
}

test("a new council is set up in the browser from an empty database to its first loan", async () => {
  const opened = await newPage(browser);
  const { page, context } = opened;

  await page.goto(server.url);
  await settled(page);
  assert.match(await page.locator("main").innerText(), /Setup is waiting/);
  await check(opened, "waiting");

  await page.goto(server.setupUrl);
  await settled(page);
  assert.match(page.url(), /\/preset$/);
  await check(opened, "preset");
  // Nothing chosen: the error summary links to the choices.
  await submit(page, "Continue");
  assert.match(await page.title(), /^Error: /);
  await page.locator(".govuk-error-summary a").click();
  assert.equal(await page.evaluate(() => document.activeElement.name), "preset");
  await check(opened, "preset-error");
  await page.getByLabel("Town council IT policy").check();
  await submit(page, "Continue");

  await check(opened, "council");
  await page.getByLabel("The council's name").fill("Dunmere Town Council");
  await submit(page, "Continue");

  await check(opened, "administrator");
  await page.getByLabel("Username").fill("dot.clerk");
  await page.getByLabel("Full name").fill("Dot Clerk");
  await page.getByLabel("Email address").fill("dot@dunmere.example.org");
  await page.getByLabel("Password", { exact: true }).fill("dot.clerk");
  await page.getByLabel("Confirm the password").fill("dot.clerk");
  await submit(page, "Continue");
  assert.match(await page.locator(".govuk-error-summary").innerText(), /password/i);
  await check(opened, "administrator-error");
  await page.getByLabel("Password", { exact: true }).fill("plum tuesday lantern 47");
  await page.getByLabel("Confirm the password").fill("plum tuesday lantern 47");
  await submit(page, "Continue");

  await check(opened, "mail");
  // Nothing listens on port 9 of this machine: the test message fails, in words.
  await page.getByLabel("Not encrypted").check();
  await page.getByLabel("Mail server").fill("127.0.0.1");
  await page.getByLabel("Port (optional)").fill("9");
  await page.getByLabel("Notices come from").fill("it@dunmere.example.org");
  await submit(page, "Send a test message");
  assert.match(await page.locator("main").innerText(), /The test message could not be sent/);
  await check(opened, "mail-test-failed");
  await submit(page, "Set up mail later");

  await check(opened, "check");
  const answers = await page.locator(".govuk-summary-list").innerText();
  for (const words of ["Town council IT policy", "Dunmere Town Council", "dunmere-town-council", "dot.clerk"]) {
    assert.ok(answers.includes(words), `${words} in ${answers}`);
  }
  await submit(page, "Create the council");

  assert.match(page.url(), /\/councils\/dunmere-town-council\/getting-started$/);
  const main = await page.locator("main").innerText();
  assert.match(main, /You have done 0 of 5 tasks/);
  for (const task of ["Import people", "Import equipment", "Review the policy", "Invite members or create accounts", "Issue the first item"]) {
    assert.ok(main.includes(task), `${task} in ${main}`);
  }
  await check(opened, "getting-started");

  await submit(page, "The policy fits our document");
  assert.match(await page.locator("main").innerText(), /You have done 1 of 5 tasks/);

  // The start page leads back to the list, and the setup address no longer works.
  await page.goto(new URL("/councils/dunmere-town-council/start", server.url).href);
  await settled(page);
  await page.getByRole("link", { name: "Get started" }).click();
  await settled(page);
  assert.match(page.url(), /getting-started$/);
  const used = await page.goto(server.setupUrl);
  assert.equal(used.status(), 403);
  assert.match(await page.locator("main").innerText(), /already set up/);

  // The first loan, all in the browser: a councillor with a term, a laptop, and the issue
  // form's pickers.
  const base = "/councils/dunmere-town-council";
  await page.goto(new URL(`${base}/people/new`, server.url).href);
  await settled(page);
  await page.getByLabel("Reference", { exact: true }).fill("C01");
  await page.getByLabel("Full name").fill("Rowan Ashby");
  await page.getByLabel("Kind of person").selectOption("councillor");
  await page.getByLabel("Term or engagement started (optional)").fill("07/05/2026");
  await submit(page, "Add the person");
  await page.goto(new URL(`${base}/equipment/new`, server.url).href);
  await settled(page);
  await page.getByLabel("Asset tag", { exact: true }).fill("LAP-001");
  await page.getByLabel("Kind of equipment").selectOption("laptop");
  await page.getByLabel("Make and model").fill("Lenovo ThinkPad T14");
  await page.getByLabel("Serial number (optional)").fill("PF4XK2");
  await page.getByLabel("Replacement cost in pounds").fill("950");
  await submit(page, "Add the equipment");
  await page.goto(new URL(`${base}/loans/issue`, server.url).href);
  await settled(page);
  for (const [label, typed, ending] of [
    ["Who is borrowing it", "rowan", "(C01)"],
    ["Which item", "pf4x", "(LAP-001)"],
  ]) {
    const field = page.getByRole("combobox", { name: label, exact: true });
    await field.fill(typed);
    const option = page.locator(`[id="${await field.getAttribute("id")}__listbox"] li`, { hasText: ending });
    await option.first().click();
  }
  await check(opened, "first-issue");
  await submit(page, "Issue equipment");
  assert.match(page.url(), /\/loans\/\d+\?done=issued$/);
  assert.match(await page.locator(".govuk-notification-banner").innerText(), /LAP-001 has been lent to Rowan Ashby/);
  await check(opened, "first-loan");
  await page.goto(new URL(`${base}/getting-started`, server.url).href);
  await settled(page);
  assert.match(await page.locator("main").innerText(), /You have done 4 of 5 tasks/);
  await context.close();
});
