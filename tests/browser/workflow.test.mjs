// Requests and concerns in a real browser, in the demo's borough council, whose protocol sends
// lost or stolen tablets to Member Services: the member reports their iPad lost and sees where
// it went and what was done at once; the officer finds it in the queue with its due time,
// takes it up, does the follow-ups and resolves it. Then a concern is raised without signing
// in and opened by the officer who handles concerns. axe-core checks every page visited.
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
const BASE = `/councils/${SLUG}`;
const PROTOCOL = "Protocol on the use of ICT by Members";

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
  return checkPage(opened, name);
}

async function go(opened, path, name, status = 200) {
  const response = await opened.page.goto(new URL(path, server.url).href);
  assert.equal(response.status(), status, `status of ${path}`);
  await settled(opened.page);
  await check(opened, name);
}

/** Clicks what `target` finds and waits for the page it leads to. */
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

/** The service navigation fits on one line at desktop width. */
async function navigationOnOneLine(page) {
  const tops = await page.$$eval("#navigation > li", (items) =>
    items.map((li) => Math.round(li.getBoundingClientRect().top)),
  );
  assert.ok(tops.length > 0);
  assert.equal(new Set(tops).size, 1, `navigation items start at ${tops.join(", ")}`);
}

test("a member reports their iPad lost and an officer deals with it", async () => {
  const member = await newPage(browser);
  const { page } = member;
  await signIn(member, "member");
  await navigationOnOneLine(page);
  await go(member, `${BASE}/me`, "workflow-member-equipment");
  const tablet = (await page.locator("main table").innerText()).match(/TAB-\d{4}/)?.[0];
  assert.ok(tablet, "the demo member holds a tablet");

  await follow(page, page.getByRole("link", { name: "Your requests", exact: true }));
  await check(member, "workflow-member-requests");
  await follow(page, page.getByRole("button", { name: "Report a problem or ask for something" }));
  await check(member, "workflow-report-kind");
  const lost = page.getByLabel("Lost or stolen equipment");
  const hint = await page.locator(`#${await lost.getAttribute("aria-describedby")}`).innerText();
  assert.match(hint, new RegExp(`Member Services for ${tablet} \\(clause 2\\.3, ${PROTOCOL}\\)`));
  await lost.check();
  await follow(page, button(page, "Continue"));
  await check(member, "workflow-report-details");

  // Sent with nothing filled in: every problem in the summary, which takes the focus.
  const refused = await follow(page, button(page, "Send"));
  assert.equal(refused.status(), 400);
  assert.match(await page.title(), /^Error: Report a problem or ask for something - /);
  assert.equal(
    await page.evaluate(() => document.activeElement.classList.contains("govuk-error-summary")),
    true,
  );
  assert.match(await page.locator(".govuk-error-summary").innerText(), /Choose the item it is about/);
  await check(member, "workflow-report-errors");

  await page.getByLabel("Which item is it about?").selectOption(tablet);
  await page.getByLabel("Lost", { exact: true }).check();
  await page.getByLabel("The day you noticed it was gone").fill("19/05/2027");
  await page.getByLabel("Where it was lost or stolen").fill("On the bus home from the Civic Centre");
  await page.getByLabel("What happened").fill("I left it on the seat in its case.");
  const sent = await follow(page, button(page, "Send"));
  assert.equal(sent.status(), 200);
  const id = page.url().match(/\/me\/requests\/(\d+)\/sent$/)?.[1];
  assert.ok(id, page.url());
  assert.equal(
    await page.locator("#sent-to").innerText(),
    `It has gone to Member Services (clause 2.3, ${PROTOCOL}).`,
  );
  // Four working hours from the report, in London time: later today or on the next working day.
  const due = (await page.locator("#sent-due").innerText()).match(/\d{2}:\d{2} on 2[01] May 2027/)?.[0];
  assert.ok(due, await page.locator("#sent-due").innerText());
  const done = await page.locator("#sent-done").innerText();
  assert.match(done, new RegExp(`${tablet} is recorded as lost\\.`));
  assert.match(done, /Loan \d+ has ended\./);
  assert.match(done, /Follow-up opened: Reset the passwords/);
  await check(member, "workflow-report-sent");

  await go(member, `${BASE}/me`, "workflow-member-after");
  assert.match(
    await page.locator("#gone").innerText(),
    new RegExp(`${tablet} \\(tablet\\): recorded as lost on 20 May 2027`),
  );

  // The officer holds Member Services: the report is in their queue with its due time.
  const officer = await newPage(browser);
  const desk = officer.page;
  await signIn(officer, "officer");
  await navigationOnOneLine(desk);
  // The tablet's loan ended with the loss: the loans list says "Lost", never "Returned".
  await go(officer, `${BASE}/loans?show=all&q=${tablet}`, "workflow-officer-lost-loan");
  const ended = await desk.locator("main table tbody tr").first().innerText();
  assert.match(ended, /Lost, recorded 20 May 2027/);
  assert.doesNotMatch(ended, /Returned/);
  await follow(desk, desk.getByRole("link", { name: "Requests", exact: true }));
  await check(officer, "workflow-officer-queue");
  const row = desk.locator("main table tbody tr", { hasText: `Request ${id}` });
  const cells = await row.locator("th, td").allInnerTexts();
  assert.equal(cells[2], "Lost or stolen equipment");
  assert.equal(cells[5], "Member Services");
  assert.equal(cells[6], "Nobody yet");
  assert.equal(cells[8], due);
  assert.match(cells[9], new RegExp(`clause 2\\.3, ${PROTOCOL}`));
  // The demo's laptop fault from three days ago is past its two days.
  assert.ok((await desk.locator("main table .govuk-tag", { hasText: "Late" }).count()) > 0);

  await follow(desk, row.getByRole("link", { name: `Request ${id}` }));
  await check(officer, "workflow-officer-request");
  await follow(desk, button(desk, "Take it up"));
  assert.match(await desk.locator(".govuk-notification-banner").innerText(), new RegExp(`Request ${id} is assigned to `));
  for (let left = 2; left > 0; left -= 1) {
    const marks = desk.getByRole("button", { name: /^Mark done/ });
    assert.equal(await marks.count(), left);
    await follow(desk, marks.first());
    assert.match(await desk.locator(".govuk-notification-banner").innerText(), /follow-up is marked done/);
  }
  await check(officer, "workflow-officer-follow-ups-done");
  await desk.getByLabel("What was done").fill("Passwords reset, sessions ended and the iPad wiped remotely.");
  await follow(desk, button(desk, "Resolve the request"));
  assert.match(await desk.locator(".govuk-notification-banner").innerText(), new RegExp(`Request ${id} is resolved`));
  await check(officer, "workflow-officer-resolved");

  await go(member, `${BASE}/me/requests/${id}`, "workflow-member-resolved");
  assert.match(await page.locator("main").innerText(), /Resolved\. Passwords reset, sessions ended/);
  await member.context.close();
  await officer.context.close();
});

test("a concern raised without signing in reaches the officer who handles concerns", async () => {
  const visitor = await newPage(browser);
  const { page } = visitor;
  await go(visitor, "/", "workflow-councils");
  await follow(
    page,
    page.getByRole("link", { name: "Raise a concern anonymously with Fenwold Borough Council" }),
  );
  await check(visitor, "workflow-concern-public");
  assert.match(await page.locator("main").innerText(), /Nothing that identifies you is recorded/);
  assert.equal(
    await page.locator("#receivers").innerText(),
    `Concerns go to Legal and Democratic Services Manager (clause 10.1, ${PROTOCOL}).`,
  );
  const refused = await follow(page, button(page, "Send the concern"));
  assert.equal(refused.status(), 400);
  await check(visitor, "workflow-concern-public-error");
  await page.getByLabel("What the concern is about, in a line").fill("Password written on a sticky note");
  await page.getByLabel("What happened").fill("A councillor's password is stuck to the iPad in the members' room.");
  const sent = await follow(page, button(page, "Send the concern"));
  assert.equal(sent.status(), 200);
  assert.match(await page.locator("#received").innerText(), /^It has gone to Legal and Democratic Services Manager/);
  await check(visitor, "workflow-concern-public-sent");
  await visitor.context.close();

  const officer = await newPage(browser);
  const desk = officer.page;
  await signIn(officer, "officer");
  await go(officer, `${BASE}/cases`, "workflow-cases");
  const row = desk.locator("main table tbody tr", { hasText: "Password written on a sticky note" });
  assert.equal(await row.count(), 1);
  await follow(desk, row.locator("a").first());
  await check(officer, "workflow-case");
  const main = await desk.locator("main").innerText();
  assert.match(main, /Anonymous: nothing about who raised it is recorded/);
  const id = desk.url().match(/\/cases\/(\d+)$/)?.[1];
  await desk.getByLabel("Note", { exact: true }).fill("Asked Member Services to check the members' room.");
  await follow(desk, button(desk, "Add the note"));
  assert.match(await desk.locator(".govuk-notification-banner").innerText(), /Your note has been added/);
  await check(officer, "workflow-case-noted");

  // Each look at the case is in the audit trail, under the officer's name.
  await go(officer, `${BASE}/audit?entity=case&id=${id}`, "workflow-case-audit");
  const trail = await desk.locator("main").innerText();
  assert.match(trail, /opened case \d+\./);
  assert.match(trail, /added a note to case \d+\./);
  await officer.context.close();
});
