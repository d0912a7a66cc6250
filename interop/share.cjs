// Drives Debian's Chromium (headless, through playwright-core, JavaScript
// off) through a graduate's share of their transcript: the graduate makes
// a link with a passcode on their page, an employer opens it, gives the
// passcode and sees the verified transcript, the graduate sees the view in
// the log and withdraws the link, and the employer's reload is refused.
// Prints one JSON object; saves a screenshot of each step.
//
// usage: node share.cjs DOWNLOAD_URL ARTIFACTS_DIR
'use strict';
const { chromium } = require('playwright-core');
const path = require('path');

(async () => {
  const [download, artifacts] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const out = {};
  const shot = (page, name) => page.screenshot({ path: path.join(artifacts, name + '.png'), fullPage: true });
  try {
    const graduate = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await graduate.goto(download, { timeout: 20000 });
    // Keyboard only: the form's fields in tab order, then Enter.
    await graduate.focus('#label');
    await graduate.keyboard.type('Acme HR');
    await graduate.fill('#passcode', 'open-sesame');
    await Promise.all([graduate.waitForNavigation({ timeout: 20000 }), graduate.press('#label', 'Enter')]);
    out.shareURL = await graduate.locator('.new a').getAttribute('href');
    await shot(graduate, 'share-1-made');

    const employer = await (await browser.newContext({ javaScriptEnabled: false, locale: 'en-GB' })).newPage();
    const first = await employer.goto(out.shareURL, { timeout: 20000 });
    out.withoutPasscode = first.status();
    await employer.fill('#passcode', 'wrong-guess');
    await Promise.all([employer.waitForNavigation({ timeout: 20000 }), employer.click('button[type=submit]')]);
    out.wrongPasscodeAlert = await employer.locator('[role=alert]').count();
    await employer.fill('#passcode', 'open-sesame');
    await Promise.all([employer.waitForNavigation({ timeout: 30000 }), employer.click('button[type=submit]')]);
    out.verdict = await employer.locator('.verdict').getAttribute('class');
    out.employerText = (await employer.locator('main').innerText()).slice(0, 3000);
    await shot(employer, 'share-2-opened');

    await graduate.goto(download, { timeout: 20000 });
    out.graduateText = (await graduate.locator('main').innerText()).slice(0, 3000);
    await Promise.all([graduate.waitForNavigation({ timeout: 20000 }), graduate.click('button:has-text("Withdraw")')]);
    await shot(graduate, 'share-3-withdrawn');

    const again = await employer.goto(out.shareURL, { timeout: 20000 });
    out.afterWithdrawal = again.status();
    await shot(employer, 'share-4-refused');
  } catch (e) {
    out.error = String(e && e.message || e);
  }
  await browser.close();
  process.stdout.write(JSON.stringify(out) + '\n');
})();
