// Shared pieces of the browser tests: the demo server, the browser, axe-core and screenshots.
//
// Nothing here builds anything. The tests expect target/debug/steward to exist (run
// `cargo build -p steward-cli`) and the web assets to be built (run `scripts/assets`);
// `scripts/test` does both before it runs them.

import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const binary = join(root, "target/debug/steward");
const chromiumPath = "/usr/bin/chromium";
const stylesheet = join(root, "crates/steward-web/assets/dist/steward.css");
const screenshotDir = join(root, "target/screenshots");

/** How long the server may take to print its address before the tests give up. */
const START_LIMIT_MS = 60_000;
/** A county-sized register takes longer to grow, more so on PostgreSQL. */
const COUNTY_START_LIMIT_MS = 600_000;

/**
 * A fresh database for one demo server: SQLite in `dir`, or, when STEWARD_BROWSER_PG names a
 * PostgreSQL server (e.g. postgres://postgres@127.0.0.1:5432), a new database on it.
 * Returns its URL and how to remove it.
 */
function freshDatabase(dir) {
  const server = process.env.STEWARD_BROWSER_PG;
  if (!server) {
    return { url: `sqlite://${dir}/demo.db`, drop() {} };
  }
  const name = `steward_b_${randomBytes(8).toString("hex")}`;
  const base = server.replace(/\/+$/, "");
  execFileSync("psql", [`${base}/postgres`, "-Atqc", `CREATE DATABASE ${name}`]);
  return {
    url: `${base}/${name}`,
    drop() {
      execFileSync("psql", [`${base}/postgres`, "-Atqc", `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
    },
  };
}

/**
 * Starts `steward demo` on a fresh database (see freshDatabase) and a free port, pinned to `asOf`, and
 * resolves once the server prints its address. `accounts` holds the demo accounts it printed
 * before that ({council, role, username, password}); `stop()` ends it and removes the database.
 * `size` is the demo's `--size` (small, tenth or county).
 */
export async function startDemo(asOf, { size = "small" } = {}) {
  if (!existsSync(binary)) {
    throw new Error(`${binary} is missing: run \`cargo build -p steward-cli\` first`);
  }
  if (!existsSync(stylesheet)) {
    throw new Error(`${stylesheet} is missing: run scripts/assets first`);
  }
  const dir = mkdtempSync(join(tmpdir(), "steward-browser-"));
  const database = freshDatabase(dir);
  const env = { ...process.env };
  for (const name of ["STEWARD_DB", "STEWARD_COUNCIL", "STEWARD_ACTOR", "STEWARD_ASSETS"]) {
    delete env[name];
  }
  const child = spawn(
    binary,
    ["demo", "--db", database.url, "--listen", "127.0.0.1:0", "--as-of", asOf, "--size", size],
    { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (text) => {
    stderr += text;
  });
  const exited = new Promise((done) => child.once("exit", (code, signal) => done({ code, signal })));

  const accounts = [];
  const url = await new Promise((done, fail) => {
    const limit = size === "small" ? START_LIMIT_MS : COUNTY_START_LIMIT_MS;
    const timer = setTimeout(
      () => fail(new Error(`steward demo printed no address within ${limit} ms:\n${stderr}`)),
      limit,
    );
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const account = line.match(/^\s+([a-z0-9-]+)\s+(admin|auditor|officer|member)\s+(\S+)\s+(\S+)$/);
      if (account) {
        const [, council, role, username, password] = account;
        accounts.push({ council, role, username, password });
      }
      const found = line.match(/https?:\/\/\S+?\//);
      if (found) {
        clearTimeout(timer);
        done(found[0]);
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      fail(new Error(`steward demo exited (${code ?? signal}) before serving:\n${stderr}`));
    });
  });

  return {
    url,
    accounts,
    /** The demo's database, for commands run beside the server. */
    db: database.url,
    /** The demo account with `role` in the council `slug`. */
    account(slug, role) {
      const found = accounts.find((a) => a.council === slug && a.role === role);
      if (!found) throw new Error(`steward demo printed no ${role} account for ${slug}`);
      return found;
    },
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGINT");
        const stopped = await Promise.race([
          exited,
          new Promise((done) => setTimeout(() => done(null), 5_000)),
        ]);
        if (stopped === null) {
          child.kill("SIGKILL");
          await exited;
        }
      }
      database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless; never a browser Playwright downloads. */
export function launchBrowser() {
  if (!existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} is missing: install Debian's Chromium (apt-get install -y chromium)`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/**
 * A new page that records what goes wrong while it is used: script errors, console errors
 * (Content Security Policy refusals among them) and sub-resources that failed to load.
 */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (err) => problems.push(`script error: ${err.message}`));
  page.on("console", (msg) => {
    // A page answered with 400, 403, 404 or 429 on purpose is not a problem; anything else logged as an
    // error is.
    if (msg.type() === "error" && !/^Failed to load resource: .* (400|403|404|429)/.test(msg.text())) {
      problems.push(`console error: ${msg.text()}`);
    }
  });
  page.on("response", (res) => {
    if (res.request().resourceType() !== "document" && res.status() >= 400) {
      problems.push(`${res.status()} for ${res.url()}`);
    }
  });
  page.on("requestfailed", (req) => {
    // The browser asks for the icon on its own schedule and drops the request when the test
    // moves to the next page first; that is not the page failing.
    const dropped = req.failure()?.errorText === "net::ERR_ABORTED" && req.url().endsWith("/favicon.svg");
    if (!dropped) problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`);
  });
  return { page, context, problems };
}

const axeSource = readFileSync(join(root, "node_modules/axe-core/axe.min.js"), "utf8");

/**
 * The WCAG 2.0, 2.1 and 2.2 level A and AA rules. (axe-core has no "wcag22a" tag: none of its
 * rules checks a level A criterion that 2.2 added.)
 */
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/**
 * Runs axe-core on the page as it is now and returns its violations. axe is evaluated through
 * the browser's debugging protocol, which the page's Content Security Policy does not cover,
 * so the page is checked with its real policy in force.
 */
export async function axeViolations(page) {
  await page.evaluate(axeSource);
  const results = await page.evaluate(
    (tags) =>
      window.axe.run(document, {
        runOnly: { type: "tag", values: tags },
        resultTypes: ["violations"],
      }),
    WCAG_TAGS,
  );
  return results.violations;
}

/** axe's violations as text a person can act on. */
export function describeViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => {
          const summary = n.failureSummary.replaceAll("\n", "\n      ");
          return `    at ${n.target.join(" ")}\n      ${summary}`;
        })
        .join("\n");
      return `  ${v.id} (${v.impact}): ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join("\n");
}

/** Writes a full-page screenshot to target/screenshots/<name>.png. */
export async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The widths every page is looked at besides the test's own: a phone's and an iPad's. */
export const NARROW_WIDTHS = [
  ["phone", 390, 844],
  ["ipad", 820, 1180],
];

/**
 * Text on the page that shows the program's internals instead of words: snake_case names,
 * JSON, long hexadecimal hashes. The record as stored may be shown behind a disclosure
 * ("Technical details"), in code or in a form field, which are left out.
 */
export async function internalWords(page) {
  const text = await page.evaluate(() => {
    const body = document.body.cloneNode(true);
    for (const hidden of body.querySelectorAll("details, pre, code, textarea, script, style, [hidden]")) {
      hidden.remove();
    }
    return body.innerText;
  });
  const patterns = [
    [/\b[a-z][a-z0-9]*_[a-z0-9_]+\b/g, "a snake_case name"],
    [/[{[]\s*"[A-Za-z_]+"\s*:/g, "JSON"],
    [/\b[0-9a-f]{24,}\b/g, "a hash"],
  ];
  // An email or web address may hold an underscore or a long number; it is the person's own.
  const words = text.replace(/\S+@\S+|https?:\/\/\S+/g, " ");
  const found = [];
  for (const [pattern, what] of patterns) {
    for (const match of words.matchAll(pattern)) {
      const around = words.slice(Math.max(0, match.index - 40), match.index + match[0].length + 40);
      found.push(`${what}: “${match[0]}” in “…${around.replaceAll("\n", " ")}…”`);
    }
  }
  return found;
}

/**
 * When the page is wider than its window, the outermost elements that reach past its right
 * edge (outside any region that scrolls on its own), so that a failure says what to fix.
 */
export async function widerThanWindow(page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    const found = [];
    const walk = (element) => {
      for (const child of element.children) {
        const style = getComputedStyle(child);
        if (["auto", "scroll", "hidden"].includes(style.overflowX)) continue;
        if (child.getBoundingClientRect().right > width + 0.5) {
          const label = child.id ? `#${child.id}` : `.${[...child.classList].join(".")}`;
          found.push(`${child.tagName.toLowerCase()}${label}: ${child.textContent.trim().slice(0, 60)}`);
          if (found.length < 5) walk(child);
        } else {
          walk(child);
        }
      }
    };
    walk(document.body);
    return found.length ? found : [`the page is ${document.documentElement.scrollWidth} px wide`];
  });
}

/**
 * Everything a page visited by a test must be: screenshots at the test's width and at a
 * phone's and an iPad's, no sideways overflow at those, axe-core clean, nothing that failed to
 * load, and words rather than internals.
 */
export async function checkPage(opened, name) {
  const { page, problems } = opened;
  await screenshot(page, name);
  const violations = await axeViolations(page);
  assert.deepEqual(
    violations.map((v) => v.id),
    [],
    `axe found accessibility problems on ${page.url()}:\n${describeViolations(violations)}`,
  );
  assert.deepEqual(problems, [], `problems loading ${page.url()}`);
  assert.deepEqual(await internalWords(page), [], `internals shown on ${page.url()}`);
  const own = page.viewportSize();
  if (own && own.width > 820) {
    for (const [label, width, height] of NARROW_WIDTHS) {
      await page.setViewportSize({ width, height });
      await screenshot(page, `${name}-${label}`);
      assert.deepEqual(await widerThanWindow(page), [], `${page.url()} overflows sideways at ${width} px`);
    }
    await page.setViewportSize(own);
  } else {
    assert.deepEqual(await widerThanWindow(page), [], `${page.url()} overflows sideways`);
  }
  return opened;
}

/**
 * Starts `steward serve` on a fresh, empty database (see freshDatabase) and a free port, and
 * resolves once it has printed both its address and the one-time setup address it prints
 * while no council exists. `stop()` ends it and removes the database.
 */
export async function startEmpty() {
  if (!existsSync(binary)) {
    throw new Error(`${binary} is missing: run \`cargo build -p steward-cli\` first`);
  }
  const dir = mkdtempSync(join(tmpdir(), "steward-browser-"));
  const database = freshDatabase(dir);
  const env = { ...process.env };
  for (const name of ["STEWARD_DB", "STEWARD_COUNCIL", "STEWARD_ACTOR", "STEWARD_ASSETS", "STEWARD_SMTP"]) {
    delete env[name];
  }
  const child = spawn(binary, ["serve", "--db", database.url, "--listen", "127.0.0.1:0", "--no-sweep"], {
    cwd: dir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (text) => {
    stderr += text;
  });
  const exited = new Promise((done) => child.once("exit", (code, signal) => done({ code, signal })));
  const found = await new Promise((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`steward serve printed no setup address within ${START_LIMIT_MS} ms:\n${stderr}`)),
      START_LIMIT_MS,
    );
    let url;
    createInterface({ input: child.stdout }).on("line", (line) => {
      const setup = line.match(/(https?:\/\/\S+?\/)setup\/\S+/);
      if (setup) {
        clearTimeout(timer);
        done({ url: setup[1], setupUrl: setup[0] });
      } else if (!url) {
        url = line.match(/https?:\/\/\S+?\//)?.[0];
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      fail(new Error(`steward serve exited (${code ?? signal}) before serving:\n${stderr}`));
    });
  });
  return {
    ...found,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGINT");
        const stopped = await Promise.race([exited, new Promise((done) => setTimeout(() => done(null), 5_000))]);
        if (stopped === null) {
          child.kill("SIGKILL");
          await exited;
        }
      }
      database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
