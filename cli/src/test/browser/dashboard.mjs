// The merchant dashboard in headless Chromium (Debian's package), JavaScript off: every page must work without it.
//   node dashboard.mjs BASE_URL SCREENSHOT_DIR EMAIL PASSWORD PAID_ORDER_ID PAID_SESSION_ID FOREIGN_SESSION_ID NEW_WEBHOOK_URL KEY_FILE REVIEW_SESSION_ID
// Signs in (a wrong password first), finds the paid session by its order id, opens its timeline, resends its webhook
// and sees the new attempt, refunds part of it, changes the webhook URL and what buyers see; another merchant's session is a 404 and a form
// post without its CSRF token a 403; a session in review approved with a note. A screenshot of every page.
import { chromium } from 'playwright-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';

// RFC 6238 as an authenticator app computes it (SHA-1, 30 s, 6 digits), from the base32 key the page shows.
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0; let value = 0; const out = [];
  for (const c of text) {
    value = (value << 5) | alphabet.indexOf(c); bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 255); bits -= 8; value &= (1 << bits) - 1; }
  }
  return Buffer.from(out);
}
function totp(key, ms) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(ms / 30000)));
  const h = createHmac('sha1', base32(key)).update(counter).digest();
  const o = h[19] & 15;
  const n = ((h[o] & 127) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1000000).padStart(6, '0');
}

const [base, shots, email, password, order, session, foreign, newWebhook, keyFile, inReview] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.KASSA_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const problems = [];
const step = (what) => console.log(`browser: dashboard: ${what}`);
const until = async (page, check, what, seconds = 30) => {
  const deadline = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(500); // the page itself cannot push: poll by reloading, as a person would
    await page.reload();
  }
};
// A sensitive action's "Confirm it is you" page: the password again.
const confirm = async () => {
  await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
  await page.getByLabel('Your password').fill(password);
  await page.getByRole('button', { name: 'Confirm', exact: true }).click();
};
let page;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
  page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });

  await page.goto(`${base}/dashboard`);
  await page.getByRole('heading', { name: 'Sign in to your Kassa dashboard' }).waitFor();
  await page.screenshot({ path: `${shots}/dashboard-1-login.png` });
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password + '-wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Wrong e-mail or password.').waitFor();
  step('a wrong password is refused');

  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  await page.getByRole('img', { name: /Sessions and paid sessions per day/ }).waitFor();
  await page.screenshot({ path: `${shots}/dashboard-2-overview.png`, fullPage: true });
  step('signed in, overview shown');

  await page.getByRole('link', { name: 'Payments' }).click();
  await page.getByRole('heading', { name: 'Payments' }).waitFor();
  await page.getByLabel('Order id').fill(order);
  await page.getByRole('button', { name: 'Search' }).click();
  const link = page.getByRole('link', { name: session, exact: true });
  await link.waitFor();
  await page.screenshot({ path: `${shots}/dashboard-3-payments.png`, fullPage: true });
  step(`found order ${order}`);

  await link.click();
  await page.getByRole('heading', { name: `Session ${session}` }).waitFor();
  await page.getByText(/Paid 25\.00 EUR through/).waitFor();
  await page.screenshot({ path: `${shots}/dashboard-4-session.png`, fullPage: true });
  step('timeline shows the payment');

  const resentBefore = await page.getByText('(resent)').count();
  await page.getByRole('button', { name: 'Resend webhook' }).click();
  await page.getByText('The webhook is queued to be sent again').waitFor();
  await until(page, async () => (await page.getByText('(resent)').count()) > resentBefore, 'the resent attempt');
  step('the resent webhook\'s attempt is in the timeline');

  await page.getByLabel(/Refund amount in EUR/).fill('2.00');
  await page.getByRole('button', { name: 'Refund', exact: true }).click();
  await page.getByText('The refund was asked of the provider').waitFor();
  await until(page, async () => (await page.getByText(/Refund of 2\.00 EUR (requested|completed)/).count()) > 0, 'the refund in the timeline');
  await page.screenshot({ path: `${shots}/dashboard-5-refunded.png`, fullPage: true });
  step('part refunded');

  // The events feed as a page: the payment once, then the refund as a refund, each body to unfold.
  await page.getByRole('link', { name: 'Events' }).click();
  const typed = (type) => page.locator('tbody code').filter({ hasText: new RegExp(`^${type.replace(/\./g, '\\.')}$`) });
  await until(page, async () => (await typed('refund.succeeded').count()) > 0, 'the refund among the events');
  if ((await typed('checkout.session.paid').count()) !== 1) throw new Error('not exactly one checkout.session.paid event');
  await page.getByLabel('Type').selectOption('refund.*');
  await page.getByRole('button', { name: 'Show' }).click();
  if ((await typed('checkout.session.paid').count()) !== 0) throw new Error('the refund.* filter showed a payment');
  if ((await typed('refund.succeeded').count()) < 1) throw new Error('the refund.* filter hid the refund');
  await page.locator('details summary').first().click();
  await page.getByText('"type" : "refund.succeeded"').first().waitFor();
  await page.screenshot({ path: `${shots}/dashboard-13-events.png`, fullPage: true });
  step('events: the payment once, the refund as refund.succeeded, its body');

  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Webhook URL').fill(newWebhook);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('Settings saved.').waitFor();
  await page.reload();
  if ((await page.getByLabel('Webhook URL').inputValue()) !== newWebhook) throw new Error('the webhook URL did not stay changed');
  await page.screenshot({ path: `${shots}/dashboard-6-settings.png`, fullPage: true });
  step('webhook URL changed');

  // What buyers see: the shop's name and support contacts, then the session's own checkout page shows them.
  await page.getByLabel('Shop name (instead of the domain; at most 100 characters)').fill("Zoë's Bikes");
  await page.getByLabel('Support e-mail').fill('help@bikes.example');
  await page.getByLabel('Support page (https)').fill('https://help.bikes.example/');
  await page.getByLabel('Billing address', { exact: true }).check();
  await page.getByRole('button', { name: 'Save what buyers see' }).click();
  await page.getByText('Saved: buyers see it on their next page.').waitFor();
  if (!(await page.getByLabel('Billing address', { exact: true }).isChecked()) || await page.getByLabel('Shipping address', { exact: true }).isChecked()) {
    throw new Error('the collect defaults did not stay as saved');
  }
  await page.goto(`${base}/pay.php?session=${session}`);
  await page.getByRole('heading', { name: "Pay Zoë's Bikes" }).waitFor();
  if (await page.getByRole('link', { name: 'help@bikes.example' }).getAttribute('href') !== 'mailto:help@bikes.example') {
    throw new Error('the support e-mail is not on the checkout page');
  }
  await page.screenshot({ path: `${shots}/dashboard-16-buyers-see.png`, fullPage: true });
  await page.goto(`${base}/dashboard/settings`);
  step('what buyers see saved, and on the checkout page');

  await page.getByLabel('Endpoint URL').fill(`${newWebhook}-paid-only`);
  await page.getByLabel('Statuses it gets (empty: all)').fill('paid, refunded');
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  await confirm();
  await page.getByRole('heading', { name: 'Endpoint added' }).waitFor();
  if (!(await page.getByLabel('Signing secret').inputValue()).startsWith('whsec_')) throw new Error('no signing secret shown');
  await page.getByRole('link', { name: 'Back to the settings' }).click();
  await page.getByRole('cell', { name: `${newWebhook}-paid-only`, exact: true }).waitFor();
  const firstSecret = await page.getByLabel('Signing secret').count();
  // Throttle it and turn it off; then a new secret, shown once.
  await page.getByLabel(`Deliveries a second at most to ${newWebhook}-paid-only`).fill('5');
  await page.getByLabel(`Send webhooks to ${newWebhook}-paid-only`).uncheck();
  await page.getByRole('button', { name: `Save the endpoint ${newWebhook}-paid-only` }).click();
  await page.getByText('The endpoint is changed.').waitFor();
  const row = page.getByRole('row').filter({ hasText: `${newWebhook}-paid-only` });
  await row.getByText('disabled: disabled by the operator').waitFor();
  if (await page.getByLabel(`Deliveries a second at most to ${newWebhook}-paid-only`).inputValue() !== '5') throw new Error('the throttle was not saved');
  await page.getByRole('button', { name: `New secret for the endpoint ${newWebhook}-paid-only` }).click();
  await confirm();
  await page.getByRole('heading', { name: 'New endpoint secret' }).waitFor();
  if (!(await page.getByLabel('Signing secret').inputValue()).startsWith('whsec_') || firstSecret !== 0) throw new Error('no new secret shown');
  await page.screenshot({ path: `${shots}/dashboard-10-endpoint-secret.png`, fullPage: true });
  await page.getByRole('link', { name: 'Back to the settings' }).click();
  step('an endpoint throttled, turned off and given a new secret');
  await page.getByRole('button', { name: `Delete the endpoint ${newWebhook}-paid-only` }).click();
  await page.getByText('The endpoint is deleted').waitFor();
  if ((await page.getByRole('cell', { name: `${newWebhook}-paid-only`, exact: true }).count()) !== 0) throw new Error('the deleted endpoint is still listed');
  step('an endpoint added (its secret shown once) and deleted');

  await page.getByRole('button', { name: 'Issue a new API key' }).click();
  // A signed-in browser is not enough for a new key: the password is asked again (a wrong one first).
  await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
  await page.getByLabel('Your password').fill(password + '-wrong');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByText('That password is not right.').waitFor();
  await page.screenshot({ path: `${shots}/dashboard-14-confirm.png` });
  await confirm();
  await page.getByRole('heading', { name: 'Your new API key' }).waitFor();
  const newKey = await page.getByLabel('API key').inputValue();
  if (!newKey.startsWith('kassa_')) throw new Error(`the new key page showed '${newKey}'`);
  await page.screenshot({ path: `${shots}/dashboard-9-new-api-key.png` });
  writeFileSync(keyFile, newKey, { mode: 0o600 }); // for the test to try; a key is never printed
  step('a new API key was shown once');

  // A session in review: the merchant approves it on its page, with a note the timeline then shows.
  await page.goto(`${base}/dashboard/sessions/${inReview}`);
  await page.getByRole('group', { name: 'Resolve the review' }).waitFor();
  await page.getByLabel('Approve: count the payment as paid').check();
  await page.getByLabel('Note (in the history; at most 500 characters)').fill('called the buyer, order is genuine');
  await page.screenshot({ path: `${shots}/dashboard-15-review.png`, fullPage: true });
  await page.getByRole('button', { name: 'Resolve' }).click();
  await page.getByText('The review is resolved').waitFor();
  if ((await page.getByRole('group', { name: 'Resolve the review' }).count()) !== 0) throw new Error('the review form is still shown');
  step('a review approved with a note');

  // Up to here no page may log an error; the two checks below provoke a 404 and a 403 on purpose.
  if (problems.length > 0) throw new Error(`the pages logged errors: ${problems.join(' | ')}`);
  const other = await page.goto(`${base}/dashboard/sessions/${foreign}`);
  if (other.status() !== 404) throw new Error(`another merchant's session answered ${other.status()}, not 404`);
  await page.getByText('There is no such session among yours, and no such page.').waitFor();
  await page.screenshot({ path: `${shots}/dashboard-7-not-found.png` });
  step('another merchant\'s session is a 404');

  const forged = await page.request.post(`${base}/dashboard/sessions/${session}/cancel`, { form: { reason: 'no token' } });
  if (forged.status() !== 403) throw new Error(`a post without its CSRF token answered ${forged.status()}, not 403`);
  step('a post without its CSRF token is a 403');

  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false,
    storageState: await context.storageState() })).newPage();
  await phone.goto(`${base}/dashboard/payments`);
  await phone.getByRole('heading', { name: 'Payments' }).waitFor();
  await phone.screenshot({ path: `${shots}/dashboard-8-payments-phone.png`, fullPage: true });

  // Two-step sign-in: set up with the key the page shows (as an app would), then signing in asks for a code.
  await page.goto(`${base}/dashboard/settings`);
  await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
  await confirm();
  await page.getByRole('heading', { name: 'Set up two-step sign-in' }).waitFor();
  const key = (await page.getByLabel('Key').inputValue()).replace(/\s/g, '');
  await page.screenshot({ path: `${shots}/dashboard-11-two-step-setup.png`, fullPage: true });
  await page.getByLabel('2. The 6-digit code the app shows for Kassa').fill(totp(key, Date.now()));
  await page.getByRole('button', { name: 'Turn two-step sign-in on' }).click();
  await page.getByText('Two-step sign-in is on').waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByText('You are signed out.').waitFor();
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Two-step sign-in' }).waitFor();
  const right = totp(key, Date.now());
  await page.getByLabel('The 6-digit code from your authenticator app').fill(right.slice(0, 5) + ((Number(right[5]) + 5) % 10));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('That code is not right').waitFor();
  await page.screenshot({ path: `${shots}/dashboard-12-two-step-code.png`, fullPage: true });
  // Each code is taken once: the one that turned two-step on is spent, so the app's next code (a step ahead) signs in.
  await page.getByLabel('The 6-digit code from your authenticator app').fill(totp(key, Date.now() + 30000));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  step('two-step sign-in: a wrong code refused, the right one signs in');

  await page.goto(`${base}/dashboard`);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByText('You are signed out.').waitFor();
  const after = await page.goto(`${base}/dashboard/payments`);
  if (!after.url().endsWith('/dashboard/login')) throw new Error('after signing out, the payments page did not send to sign-in');
  step('signed out');
  console.log('browser: dashboard passed');
} catch (e) {
  console.log(`browser: dashboard FAILED: ${e.message.split('\n')[0]}`);
  if (page) {
    console.log(`browser: dashboard: the page was ${page.url()}: ${(await page.locator('main').innerText().catch(() => '?')).slice(0, 600)}`);
    await page.screenshot({ path: `${shots}/dashboard-failed.png`, fullPage: true }).catch(() => {});
  }
  process.exitCode = 1;
} finally {
  await browser.close();
}
