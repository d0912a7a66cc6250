// Audits pages with axe-core (WCAG 2.1 A and AA rules) in Debian's
// Chromium (headless, through playwright-core), and checks that the
// keyboard alone reaches the upload and the verify button. Prints one JSON
// line per page: its violations (rule, impact, nodes). Screenshots go to
// the artifacts directory.
//
// usage: node a11y.cjs ARTIFACTS_DIR NAME=URL[=LOCALE[=upload:FILE]]...
'use strict';
const { chromium } = require('playwright-core');
const path = require('path');

const axePath = require.resolve('axe-core/axe.min.js');

(async () => {
  const [artifacts, ...pages] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  for (const spec of pages) {
    const [name, url, locale, upload] = spec.split('=');
    const out = { name };
    // The pages run no script of ours; axe is injected past their CSP.
    const ctx = await browser.newContext({ locale: locale || 'en-GB', bypassCSP: true });
    const page = await ctx.newPage();
    try {
      await page.goto(url, { timeout: 20000 });
      if (upload) {
        // Keyboard only: Tab to the file field, choose the file, Tab to
        // the button, Enter.
        let reached = false;
        for (let i = 0; i < 10 && !reached; i++) {
          await page.keyboard.press('Tab');
          reached = await page.evaluate(() => document.activeElement && document.activeElement.id === 'file');
        }
        out.keyboardReachesUpload = reached;
        await page.setInputFiles('#file', upload.replace(/^upload:/, ''));
        let onButton = false;
        for (let i = 0; i < 5 && !onButton; i++) {
          await page.keyboard.press('Tab');
          onButton = await page.evaluate(() => document.activeElement && document.activeElement.type === 'submit');
        }
        out.keyboardReachesVerify = onButton;
        await Promise.all([page.waitForNavigation({ timeout: 30000 }), page.keyboard.press('Enter')]);
      }
      await page.addScriptTag({ path: axePath });
      const res = await page.evaluate(async () => await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      }));
      out.violations = res.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }));
      out.passes = res.passes.length;
      out.lang = await page.locator('html').getAttribute('lang');
      await page.screenshot({ path: path.join(artifacts, 'a11y-' + name + '.png'), fullPage: true });
    } catch (e) {
      out.error = String(e && e.message || e);
    }
    await ctx.close();
    process.stdout.write(JSON.stringify(out) + '\n');
  }
  await browser.close();
})();
