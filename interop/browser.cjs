// Drives Debian's Chromium (headless, through playwright-core) through the
// public verifier's pages, with no JavaScript of ours: upload a file, read
// the verdict. Prints one JSON line per step and saves a screenshot of
// each in the artifacts directory.
//
// usage: node browser.cjs BASE_URL ARTIFACTS_DIR NAME=FILE...
'use strict';
const { chromium } = require('playwright-core');
const path = require('path');

(async () => {
  const [base, artifacts, ...uploads] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const run = async (name, file, locale) => {
    const ctx = await browser.newContext({ locale, javaScriptEnabled: false });
    const page = await ctx.newPage();
    const out = { name };
    try {
      await page.goto(base + '/', { timeout: 20000 });
      await page.setInputFiles('#file', file);
      await Promise.all([page.waitForNavigation({ timeout: 30000 }), page.click('button[type=submit]')]);
      const verdict = page.locator('.verdict');
      out.class = await verdict.getAttribute('class');
      out.verdict = (await verdict.innerText()).trim();
      out.failed = await page.locator('ul.checks li.status-failed strong').evaluateAll(els => els.map(e => e.innerText));
      out.checks = await page.locator('ul.checks li').evaluateAll(els => els.map(e => e.innerText));
      out.lang = await page.locator('html').getAttribute('lang');
      out.text = (await page.locator('main').innerText()).slice(0, 4000);
      await page.screenshot({ path: path.join(artifacts, name + '.png'), fullPage: true });
    } catch (e) {
      out.error = String(e && e.message || e);
    }
    await ctx.close();
    process.stdout.write(JSON.stringify(out) + '\n');
  };
  for (const u of uploads) {
    const [name, file, locale] = u.split('=');
    await run(name, file, locale || 'en-GB');
  }
  await browser.close();
})();
