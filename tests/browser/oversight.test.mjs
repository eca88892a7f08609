// The oversight pages in a real browser: an auditor reads the policy, the audit log and its
// verification but every form that changes something is refused to them; an administrator
// creates an account, whose holder must choose their own password at first sign-in. axe-core's
// WCAG 2.2 A and AA checks run on every page visited.
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
const SLUG = "dunmere-town";

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

/** Waits until govuk-frontend's script has started. */
async function settled(page) {
  await page.waitForFunction(() => document.body.classList.contains("govuk-frontend-supported"));
}

/** Screenshot, then axe and the page's own problems: none of either. */
async function check(opened, name) {
  return checkPage(opened, name);
}

async function signInWith(page, username, password) {
  await page.goto(url(`/councils/${SLUG}/sign-in`));
  await settled(page);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  return submit(page, "Sign in");
}

async function submit(page, button) {
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole("button", { name: button }).click(),
  ]);
  await settled(page);
  return response;
}

async function open(opened, path, name, status = 200) {
  const response = await opened.page.goto(url(path));
  assert.equal(response.status(), status, `status of ${path}`);
  await settled(opened.page);
  await check(opened, name);
  return response;
}

/**
 * Posts a form to `path` from the page with the session's own CSRF token and `fields`, as a
 * browser would; resolves to the response.
 */
async function postForm(page, path, token, fields) {
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.evaluate(
      ({ path, token, fields }) => {
        const form = document.createElement("form");
        form.method = "post";
        form.action = path;
        for (const [name, value] of Object.entries({ csrf_token: token, ...fields })) {
          const input = document.createElement("input");
          input.type = "hidden";
          input.name = name;
          input.value = value;
          form.append(input);
        }
        document.body.append(form);
        form.submit();
      },
      { path, token, fields },
    ),
  ]);
  await settled(page);
  return response;
}

test("an auditor reads the policy and the audit trail but can change nothing", async () => {
  const opened = await newPage(browser);
  const { page, context } = opened;
  const auditor = server.account(SLUG, "auditor");
  const signed = await signInWith(page, auditor.username, auditor.password);
  assert.equal(signed.status(), 200);

  const nav = await page.locator("#navigation").innerText();
  assert.match(nav, /Oversight/);
  await open(opened, `/councils/${SLUG}/oversight`, "oversight-hub");
  assert.match(await page.locator("main").innerText(), /Audit trail/);
  assert.doesNotMatch(await page.locator("main").innerText(), /Accounts/);

  // The policy in force, each rule with its clause, and no way to adopt another.
  await open(opened, `/councils/${SLUG}/policy`, "oversight-policy");
  assert.equal(await page.locator("h1").innerText(), "Policy");
  assert.equal(await page.locator('#navigation [aria-current="true"]').innerText(), "Oversight");
  const rules = await page.$$eval("table tbody tr", (rows) =>
    rows.map((row) => [...row.querySelectorAll("td")].map((cell) => cell.innerText.trim())),
  );
  assert.ok(rules.length > 3, JSON.stringify(rules));
  for (const rule of rules) {
    assert.ok(rule[2].length > 0, `clause of ${JSON.stringify(rule)}`);
  }
  assert.equal(await page.getByRole("link", { name: "Adopt a new version" }).count(), 0);

  await open(opened, `/councils/${SLUG}/policy/versions`, "oversight-versions");
  assert.match(await page.locator("table").innerText(), /Version 1/);
  await open(opened, `/councils/${SLUG}/policy/text?version=1`, "oversight-text");

  // Checking a pack changes nothing, so a reader may: every problem is listed and linked.
  await open(opened, `/councils/${SLUG}/policy/check`, "oversight-check");
  await page.getByLabel("Policy pack (TOML)").fill('[pack]\nid = "x"\ntitle = 3\n\n[scope\n');
  const checked = await submit(page, "Check the pack");
  assert.equal(checked.status(), 400);
  assert.match(await page.title(), /^Error: Check a policy pack - /);
  const link = page.locator(".govuk-error-summary a").first();
  assert.equal(await link.getAttribute("href"), "#pack_toml");
  assert.match(await link.innerText(), /^\d+:\d+: /);
  await check(opened, "oversight-check-error");

  // The audit log, newest first, with its filter and the CSV of what it shows.
  await open(opened, `/councils/${SLUG}/audit`, "oversight-audit");
  const seqs = await page.$$eval(".govuk-summary-card__title", (ts) =>
    ts.map((t) => Number(t.textContent.match(/Record (\d+)/)[1])),
  );
  assert.ok(seqs.length > 1, JSON.stringify(seqs));
  assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a), "newest first");
  // Each record reads in words; what was stored, codes, data and hash, is in the CSV.
  const main = await page.locator("main").innerText();
  assert.match(main, /Records 1 to 25 of /);
  assert.match(main, /\d{1,2}:\d\d(am|pm), \d{1,2} [A-Z][a-z]+ 2027/);
  assert.doesNotMatch(main, /[a-z]+_[a-z]+|council_id|UTC|\{"/, "no internals on the page");
  assert.equal(await page.locator("main pre, main code").count(), 0, "no stored data on the page");
  const older = page.getByRole("link", { name: "Older records" });
  await Promise.all([page.waitForNavigation(), older.click()]);
  await settled(page);
  assert.match(await page.locator("main").innerText(), /Records 26 to 50 of /);
  await check(opened, "oversight-audit-older");
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Newer records" }).click()]);
  await settled(page);
  assert.match(await page.locator("main").innerText(), /Records 1 to 25 of /);

  await page.getByLabel("Kind of record").selectOption("policy");
  await submit(page, "Show records");
  const adopted = await page.locator("main").innerText();
  assert.match(adopted, /Adopted a policy version/);
  assert.match(adopted, /adopted version 1 of the policy/);
  await check(opened, "oversight-audit-policy");
  const csv = await page
    .getByRole("link", { name: "Download every matching record as CSV" })
    .getAttribute("href");
  const exported = await context.request.get(url(csv));
  assert.equal(exported.status(), 200);
  assert.match(exported.headers()["content-type"], /^text\/csv/);
  const text = await exported.text();
  assert.match(text, /^Record,Time in London,Time recorded \(UTC\),What happened,In words,/);
  assert.match(text, /,policy\.adopt,policy,1,/);

  await open(opened, `/councils/${SLUG}/audit/verify`, "oversight-verify");
  assert.match(await page.locator("main").innerText(), /The audit trail is intact: \d+ records checked/);

  // Every page and form that changes something is refused. The session's own token (from
  // the sign-out form) goes with each post, so it is the role that is refused, not the form.
  const token = await page.locator('input[name="csrf_token"]').first().inputValue();
  for (const [path, name] of [
    ["/policy/adopt", "oversight-refused-adopt"],
    ["/admin/accounts", "oversight-refused-accounts"],
    ["/admin/accounts/new", "oversight-refused-account-new"],
    ["/admin/tokens", "oversight-refused-tokens"],
    ["/admin/tokens/new", "oversight-refused-token-new"],
  ]) {
    await open(opened, `/councils/${SLUG}${path}`, name, 403);
    assert.equal(await page.locator("h1").innerText(), "You cannot see this page");
  }
  for (const [path, fields] of [
    ["/policy/adopt", { preset: "town-it-policy", effective: "01/06/2027" }],
    ["/admin/accounts/new", { username: "sneaky", role: "admin", password: "long enough password 99" }],
    [`/admin/accounts/${server.account(SLUG, "admin").username}/disable`, {}],
    [`/admin/accounts/${server.account(SLUG, "admin").username}/enable`, {}],
    [`/admin/accounts/${server.account(SLUG, "admin").username}/password`, { password: "long enough password 99" }],
    ["/admin/tokens/new", { username: auditor.username, role: "auditor", name: "mine" }],
    ["/admin/tokens/1/revoke", {}],
  ]) {
    const refused = await postForm(page, `/councils/${SLUG}${path}`, token, fields);
    assert.equal(refused.status(), 403, `POST ${path}`);
    assert.equal(await page.locator("h1").innerText(), "You cannot see this page", `POST ${path}`);
  }
  await check(opened, "oversight-refused-post");

  // Nothing they tried reached the trail.
  await open(opened, `/councils/${SLUG}/audit/verify`, "oversight-verify-after");
  await page.goto(url(`/councils/${SLUG}/audit?entity=policy`));
  await settled(page);
  assert.match(await page.locator("main").innerText(), /The only record that matches/);
  await context.close();
});

test("the audit log reads on a phone and a tablet without scrolling sideways", async () => {
  const auditor = server.account(SLUG, "auditor");
  for (const width of [390, 820]) {
    const opened = await newPage(browser, { viewport: { width, height: 900 } });
    const { page, context } = opened;
    await signInWith(page, auditor.username, auditor.password);
    await open(opened, `/councils/${SLUG}/audit`, `oversight-audit-${width}`);
    const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(pageWidth <= width, `the page does not scroll sideways at ${width}px (${pageWidth}px)`);
    await context.close();
  }
});

test("an administrator creates an account whose holder must choose a password", async () => {
  const opened = await newPage(browser);
  const { page, context } = opened;
  const admin = server.account(SLUG, "admin");
  await signInWith(page, admin.username, admin.password);
  await page.getByRole("link", { name: "Oversight" }).click();
  await settled(page);
  assert.match(await page.locator("main").innerText(), /Accounts and API tokens/);

  await open(opened, `/councils/${SLUG}/admin/accounts`, "oversight-accounts");
  await page.getByRole("link", { name: "Create an account" }).click();
  await settled(page);
  await check(opened, "oversight-account-new");

  // A password the rules refuse is explained in the summary and at the field.
  await page.getByLabel("Username").fill("newauditor");
  await page.getByLabel("Role").selectOption("auditor");
  await page.getByLabel("Temporary password").fill("short");
  const refused = await submit(page, "Create the account");
  assert.equal(refused.status(), 400);
  assert.match(await page.title(), /^Error: Create an account - /);
  const link = page.locator(".govuk-error-summary a");
  assert.equal(await link.getAttribute("href"), "#password");
  assert.equal(await page.locator("#username").inputValue(), "newauditor");
  await check(opened, "oversight-account-new-error");

  const temporary = "pebble harbour morning 31";
  await page.getByLabel("Temporary password").fill(temporary);
  const created = await submit(page, "Create the account");
  assert.equal(created.status(), 200);
  assert.match(await page.locator(".govuk-notification-banner").innerText(), /Account newauditor created/);
  const row = await page.locator("tr", { hasText: "newauditor" }).innerText();
  assert.match(row, /auditor/);
  assert.match(row, /Never/);
  await check(opened, "oversight-account-created");

  // The account's own page: an administrator cannot disable themselves, and a refusal is
  // explained at the top of the page.
  await page.getByRole("link", { name: "newauditor" }).click();
  await settled(page);
  await check(opened, "oversight-account");
  assert.match(await page.locator("main").innerText(), /Must choose a password/);
  await page.getByLabel("Temporary password").fill("short");
  const weak = await submit(page, "Reset the password");
  assert.equal(weak.status(), 400);
  assert.match(await page.title(), /^Error: Account newauditor - /);
  assert.equal(await page.locator(".govuk-error-summary a").getAttribute("href"), "#password");
  await check(opened, "oversight-account-error");
  await submit(page, "Disable newauditor");
  assert.match(await page.locator(".govuk-notification-banner").innerText(), /The account is disabled/);
  await submit(page, "Enable newauditor");
  assert.match(await page.locator(".govuk-notification-banner").innerText(), /The account is enabled/);

  // API tokens: the secret is shown once.
  await open(opened, `/councils/${SLUG}/admin/tokens/new`, "oversight-token-new");
  await page.getByLabel("Name").fill("nightly export");
  await page.getByLabel("Account it acts for").fill(admin.username);
  await page.getByLabel("Role").selectOption("auditor");
  const made = await submit(page, "Create the token");
  assert.equal(made.status(), 200);
  const secret = (await page.locator("#token-secret").innerText()).trim();
  assert.ok(secret.length > 20);
  await check(opened, "oversight-token-made");
  await open(opened, `/councils/${SLUG}/admin/tokens`, "oversight-tokens");
  assert.doesNotMatch(await page.content(), new RegExp(secret));
  await context.close();

  // The new account's first sign-in leads to choosing a password, and nowhere else.
  const fresh = await newPage(browser);
  const signed = await signInWith(fresh.page, "newauditor", temporary);
  assert.equal(signed.status(), 200);
  assert.equal(new URL(fresh.page.url()).pathname, `/councils/${SLUG}/account/password`);
  assert.match(await fresh.page.locator("main").innerText(), /Your password was set for you/);
  await check(fresh, "oversight-first-sign-in");
  await fresh.page.goto(url(`/councils/${SLUG}/audit`));
  await settled(fresh.page);
  assert.equal(new URL(fresh.page.url()).pathname, `/councils/${SLUG}/account/password`);
  await fresh.page.getByLabel("Current password").fill(temporary);
  await fresh.page.getByLabel("New password", { exact: true }).fill("lantern orchard velvet 84");
  await fresh.page.getByLabel("Type the new password again").fill("lantern orchard velvet 84");
  const changed = await submit(fresh.page, "Change password");
  assert.equal(changed.status(), 200);
  assert.equal(new URL(fresh.page.url()).pathname, `/councils/${SLUG}/start`);
  await open(fresh, `/councils/${SLUG}/audit`, "oversight-audit-new-auditor");
  await fresh.context.close();
});
