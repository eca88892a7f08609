// Signing in through the council's identity provider in a real browser: the administrator sets
// the provider on its page, a person presses "Sign in with …", signs in on a real OpenID
// provider's page (oidc-provider-mock, run on loopback) and lands in Steward; someone the
// council has given no role is refused with a page saying so; signing out offers the
// provider's sign-out. The administrator checks the settings and each identity link in words
// before they are saved, links and unlinks an account on its page, and a flood of sign-ins
// from one address meets the "Too many sign-ins" page. Steward's pages are checked by axe-core and photographed at a phone's, a
// tablet's and a desktop's width.
//
// Run with `node --test tests/browser/identity.test.mjs` after `cargo build -p steward-cli`,
// `scripts/assets` and `scripts/prerequisites` (which installs oidc-provider-mock).

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { after, before, test } from "node:test";
import {
  checkPage,
  launchBrowser,
  newPage,
  startDemo,
} from "./support.mjs";

const SLUG = "dunmere-town";
const SECRET_ENV = "STEWARD_BROWSER_OIDC_SECRET";

let server;
let browser;
let provider;
let issuer;

function freePort() {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}

async function startProvider() {
  const port = await freePort();
  const child = spawn(
    "python3",
    [
      "-m", "oidc_provider_mock", "--port", String(port),
      "--user-claims", JSON.stringify({ sub: "clerk-sub", roles: ["Steward.Admin"] }),
      "--user-claims", JSON.stringify({ sub: "stranger-sub", roles: ["Canteen.Staff"] }),
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8");
  await new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`oidc-provider-mock did not start:\n${stderr}`)), 30_000);
    child.stderr.on("data", (text) => {
      stderr += text;
      if (/running on/i.test(stderr)) {
        clearTimeout(timer);
        done();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`oidc-provider-mock exited (${code}); run scripts/prerequisites:\n${stderr}`));
    });
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

before(async () => {
  process.env[SECRET_ENV] = "a secret the provider does not check";
  provider = await startProvider();
  issuer = provider.url;
  server = await startDemo("2027-05-20");
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  provider?.child.kill();
});

async function settled(page) {
  await page.waitForFunction(() => document.body.classList.contains("govuk-frontend-supported"));
}

/** The page once its scripts have run, held to what every page must be (`checkPage`). */
async function check(opened, name) {
  await settled(opened.page);
  await checkPage(opened, `identity-${name}`);
}

async function submit(page, name) {
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole("button", { name, exact: true }).click(),
  ]);
  return response;
}

/** A page whose requests to the internet (the provider page's stylesheet) fail at once. */
async function withoutInternet(opened) {
  await opened.context.route(/^https:\/\//, (route) => route.abort());
  return opened;
}

/** Presses "Sign in with Council Login" and signs in at the provider as `sub`. */
async function signInAtProvider(opened, sub) {
  const { page, problems } = opened;
  await page.goto(new URL(`/councils/${SLUG}/sign-in`, server.url).href);
  await settled(page);
  const before = problems.length;
  await Promise.all([page.waitForURL(`${issuer}/**`), page.getByRole("button", { name: "Sign in with Council Login" }).click()]);
  // The provider's page asks the internet for its stylesheet, which fails here; that is the
  // provider's page, not Steward's.
  problems.splice(before);
  await page.getByPlaceholder("sub").fill(sub);
  const [response] = await Promise.all([
    page.waitForNavigation({ url: `${server.url}**` }),
    page.getByRole("button", { name: "Authorize", exact: true }).click(),
  ]);
  return response;
}

test("an administrator sets the provider, and people sign in through its page", async () => {
  const admin = server.account(SLUG, "admin");

  // The administrator's page: a mistake is explained against its field, then saved.
  const opened = await newPage(browser);
  const { page, context } = opened;
  await page.goto(new URL(`/councils/${SLUG}/sign-in`, server.url).href);
  await page.getByLabel("Username").fill(admin.username);
  await page.getByLabel("Password").fill(admin.password);
  await submit(page, "Sign in");
  await page.goto(new URL(`/councils/${SLUG}/admin/sign-in`, server.url).href);
  await check(opened, "settings");
  await page.getByLabel("Name on the sign-in button").fill("Council Login");
  await page.getByLabel("Issuer address").fill("http://idp.example.org");
  await page.getByLabel("Application (client) ID").fill("steward-browser");
  await page.getByLabel("Variable name or file path").fill(SECRET_ENV);
  await page.getByLabel("Which values give which Steward role").fill("Steward.Admin=admin");
  await page.getByLabel("The provider's subject identifier").check();
  const refused = await submit(page, "Continue");
  assert.equal(refused.status(), 400);
  const summary = page.locator(".govuk-error-summary a");
  assert.match(await summary.first().innerText(), /https:\/\//);
  assert.equal(await summary.first().getAttribute("href"), "#issuer");
  await check(opened, "settings-error");
  await page.getByLabel("Issuer address").fill(issuer);
  await submit(page, "Continue");
  // The settings in words before they are saved.
  assert.equal(await page.locator("h1").innerText(), "Check the sign-in settings");
  assert.match(await page.locator("#answers").innerText(), /Steward\.Admin gives Administrator/);
  await check(opened, "settings-check");
  await submit(page, "Save the settings");
  assert.match(await page.locator(".govuk-notification-banner").innerText(), /saved/);
  await check(opened, "settings-saved");

  // The administrator links their account to their identity at the provider, from the
  // account's page: a mistake against its field, then the answers checked, then linked.
  await page.goto(new URL(`/councils/${SLUG}/admin/accounts/${admin.username}`, server.url).href);
  await page.getByRole("link", { name: "Link the identity at the provider" }).click();
  await page.waitForURL(`**/admin/accounts/${admin.username}/identity`);
  await check(opened, "link");
  assert.ok(await page.getByLabel("The provider's subject identifier").isChecked(), "the council's kind of identity is chosen");
  await page.getByRole("textbox", { name: "Subject identifier" }).fill("clerk sub");
  const wrong = await submit(page, "Continue");
  assert.equal(wrong.status(), 400);
  assert.equal(await summary.first().getAttribute("href"), "#subject");
  await check(opened, "link-error");
  await page.getByRole("textbox", { name: "Subject identifier" }).fill("clerk-sub");
  await submit(page, "Continue");
  assert.equal(await page.locator("h1").innerText(), "Check the identity to link");
  assert.match(await page.locator("#answers").innerText(), /clerk-sub/);
  await check(opened, "link-check");
  await submit(page, "Link the identity");
  assert.match(await page.locator(".govuk-notification-banner").innerText(), /identity is linked/);
  assert.match(await page.locator("main").innerText(), /Subject clerk-sub/);
  await check(opened, "account-linked");
  await context.close();

  // Signing in through the provider's page lands on the start page.
  const person = await withoutInternet(await newPage(browser));
  await person.page.goto(new URL(`/councils/${SLUG}/sign-in`, server.url).href);
  await check(person, "sign-in");
  await signInAtProvider(person, "clerk-sub");
  assert.equal(new URL(person.page.url()).pathname, `/councils/${SLUG}/start`);
  await settled(person.page);

  // Signing out offers the provider's own sign-out.
  await Promise.all([
    person.page.waitForNavigation(),
    person.page.getByRole("button", { name: /^Sign out/ }).click(),
  ]);
  assert.equal(new URL(person.page.url()).pathname, `/councils/${SLUG}/signed-out`);
  assert.ok(await person.page.getByRole("button", { name: "Sign out of Council Login too" }).isVisible());
  await check(person, "signed-out");
  await person.context.close();

  // Someone the council gave no role is refused with a page saying so.
  const stranger = await withoutInternet(await newPage(browser));
  const answer = await signInAtProvider(stranger, "stranger-sub");
  assert.equal(answer?.status(), 403);
  assert.equal(await stranger.page.locator("h1").innerText(), "You cannot sign in to Steward");
  assert.match(await stranger.page.locator("main").innerText(), /no role in Steward/);
  await check(stranger, "refused");
  await stranger.context.close();

  // Unlinking is checked before it is done, and then the provider no longer reaches the
  // account.
  const again = await newPage(browser);
  await again.page.goto(new URL(`/councils/${SLUG}/sign-in`, server.url).href);
  await again.page.getByLabel("Username").fill(admin.username);
  await again.page.getByLabel("Password").fill(admin.password);
  await submit(again.page, "Sign in");
  await again.page.goto(new URL(`/councils/${SLUG}/admin/accounts/${admin.username}/identity`, server.url).href);
  await submit(again.page, "Unlink the identity");
  assert.equal(await again.page.locator("h1").innerText(), "Check before unlinking the identity");
  await check(again, "unlink-check");
  await submit(again.page, "Unlink the identity");
  assert.match(await again.page.locator(".govuk-notification-banner").innerText(), /identity is unlinked/);
  await again.context.close();
  const unlinked = await withoutInternet(await newPage(browser));
  const gone = await signInAtProvider(unlinked, "clerk-sub");
  assert.equal(gone?.status(), 403);
  assert.match(await unlinked.page.locator("main").innerText(), /not linked to a Steward account/);
  await unlinked.context.close();

  // A flood of starts from one address is stopped with a page saying when to try again.
  const start = new URL(`/councils/${SLUG}/sign-in/provider`, server.url).href;
  for (let i = 0; i < 20; i += 1) {
    await fetch(start, { redirect: "manual" });
  }
  const flooded = await newPage(browser);
  const busy = await flooded.page.goto(start);
  assert.equal(busy?.status(), 429);
  assert.equal(await flooded.page.locator("h1").innerText(), "Too many sign-ins");
  assert.match(await flooded.page.locator("main").innerText(), /Try again after/);
  await check(flooded, "too-many");
  await flooded.context.close();
});
