// Drives the hosted checkout in headless Chromium (Debian's package) the way buyers do, one flow per session:
//   node checkout.mjs BASE_URL SCREENSHOT_DIR CARD_SESSION DECLINE_SESSION THREEDS_SESSION EXPIRING_SESSION CANCEL_SESSION
//                     DETAILS_SESSION DASHBOARD_EMAIL DASHBOARD_PASSWORD [LIVE_BASE_URL STRIPE_SESSION]
// With the last two: a live-mode gateway whose card payments go through (a fake of) Stripe Checkout.
// Prints one line per step; exits non-zero on the first step that does not behave.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const [base, shots, card, decline, threeds, expiring, cancel, details, email, password, live, stripe] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.KASSA_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const step = (flow, what) => console.log(`browser: ${flow}: ${what}`);
const paidText = 'Payment received';

async function flow(name, fn, options = {}) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false, ...options });
  const page = await context.newPage();
  try {
    await fn(page, async (label) => page.screenshot({ path: `${shots}/${name}-${label}.png`, fullPage: true }));
  } catch (e) {
    await page.screenshot({ path: `${shots}/${name}-FAILED.png`, fullPage: true }).catch(() => {});
    const text = await page.locator('body').innerText().catch(() => '(no page)');
    throw new Error(`${name}: ${e.message.split('\n')[0]} at ${page.url()}: ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
  } finally {
    await context.close();
  }
}

// By accessible names, as a screen reader user would find them: a field without a label fails here.
async function payByCard(page, number) {
  await page.getByRole('link', { name: 'Card' }).click();
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiry (MM/YY)').fill('12/30');
  await page.getByLabel('Security code').fill('123');
  await page.getByRole('button', { name: 'Pay', exact: true }).click();
}

try {
  await flow('abandon', async (page, shot) => {
    await page.goto(`${base}/pay.php?session=${expiring}`);
    await page.waitForSelector('#time-left');
    await shot('1-open');
    // The buyer walks away; the page refreshes itself when the time is up.
    await page.waitForSelector('#outcome:has-text("This checkout has expired")', { timeout: 60000 });
    if (await page.locator('form').count() !== 0) throw new Error('an expired checkout still shows a form');
    await shot('2-expired');
    step('abandon', 'expiry shown, no form');
  });
  await flow('card', async (page, shot) => {
    await page.goto(`${base}/pay.php?session=${card}`);
    await page.waitForSelector('#amount');
    await shot('1-methods');
    await payByCard(page, '4242 4242 4242 4242');
    await page.waitForSelector(`#outcome:has-text("${paidText}")`, { timeout: 30000 });
    await shot('2-paid');
    step('card', 'paid by card');
  });
  await flow('decline-then-paypal', async (page, shot) => {
    await page.goto(`${base}/pay.php?session=${decline}`);
    await payByCard(page, '4000 0000 0000 9995');
    await page.waitForSelector('#error:has-text("did not go through")', { timeout: 30000 });
    await shot('1-declined');
    await page.getByRole('link', { name: 'PayPal' }).click();
    await shot('2-paypal');
    await page.getByRole('button', { name: 'Approve payment' }).click();
    await page.waitForSelector(`#outcome:has-text("${paidText}")`, { timeout: 30000 });
    await shot('3-paid');
    step('decline-then-paypal', 'declined by card, paid with PayPal');
  });
  await flow('3ds', async (page, shot) => {
    await page.goto(`${base}/pay.php?session=${threeds}`);
    await payByCard(page, '4000 0000 0000 3220');
    await page.waitForSelector('#complete-3ds', { timeout: 30000 });
    await shot('1-challenge');
    await page.getByRole('button', { name: 'Complete authentication' }).click();
    await page.waitForSelector(`#outcome:has-text("${paidText}")`, { timeout: 30000 });
    await shot('2-paid');
    step('3ds', 'challenge passed, paid');
  });
  await flow('cancel', async (page, shot) => {
    // The shop's cancel page is outside this machine's network: the browser is answered here, as the shop would.
    await page.route('https://shop.browser.example/**', (route) => route.fulfill({
      status: 200, contentType: 'text/html', body: '<!doctype html><title>Shop</title><h1 id="shop">Your cart</h1>' }));
    await page.goto(`${base}/pay.php?session=${cancel}`);
    await page.waitForSelector('#amount');
    await shot('1-methods');
    await page.getByRole('button', { name: 'Cancel and return to browser.example' }).click();
    await page.waitForSelector('#shop');
    const landed = new URL(page.url());
    if (landed.host !== 'shop.browser.example' || landed.searchParams.get('session_id') !== cancel
        || landed.searchParams.get('step') !== 'cart') {
      throw new Error(`the cancel landed on ${page.url()}`);
    }
    await shot('2-shop');
    await page.goto(`${base}/pay.php?session=${cancel}`);
    await page.waitForSelector('#outcome:has-text("This checkout was cancelled")');
    await shot('3-cancelled');
    step('cancel', `cancelled, landed on ${landed.origin}${landed.pathname} with session_id=${cancel}`);
  });
  await flow('details', async (page, shot) => {
    await page.goto(`${base}/pay.php?session=${details}`);
    await page.getByRole('link', { name: 'Card' }).click();
    await page.getByLabel('Full name').fill('Ngozi Okonkwo');
    await page.getByLabel('Phone (with the country code, e.g. +31 20 123 4567)').fill('+234 803 555 0199');
    await page.getByLabel('Billing address: street and number').fill('12 Adeola Odeku Street');
    await page.getByLabel('Billing address: town or city').fill('Lagos');
    await page.getByLabel('Billing address: country').selectOption('NG');
    // The required VAT number is left empty: the browser's own check is bypassed, so the server's is what answers.
    await page.locator('form:has(#number)').evaluate((f) => f.setAttribute('novalidate', ''));
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByLabel('Expiry (MM/YY)').fill('12/30');
    await page.getByLabel('Security code').fill('123');
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await page.locator('#custom_vat-error').waitFor();
    if ((await page.getByLabel('Full name').inputValue()) !== 'Ngozi Okonkwo') throw new Error('the answers were not kept');
    if ((await page.getByLabel('Card number').inputValue()) !== '') throw new Error('the card number was written back into the page');
    await shot('1-missing-field');
    await page.getByLabel('VAT number').fill('NG-778812');
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByLabel('Expiry (MM/YY)').fill('12/30');
    await page.getByLabel('Security code').fill('123');
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await page.waitForSelector(`#outcome:has-text("${paidText}")`, { timeout: 30000 });
    await shot('2-paid');
    // The merchant's dashboard: the payer on the session's page and in the CSV.
    await page.goto(`${base}/dashboard/login`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.goto(`${base}/dashboard/sessions/${details}`);
    await page.getByText('12 Adeola Odeku Street, Lagos, NG').waitFor();
    await page.getByText('NG-778812').waitFor();
    await shot('3-dashboard');
    const csv = await (await page.request.get(`${base}/dashboard/payments.csv`)).text();
    if (!csv.includes('Ngozi Okonkwo') || !csv.includes("'+234 803 555 0199")) throw new Error(`the payer is not in the CSV: ${csv.slice(0, 300)}`);
    step('details', 'a missing field answered at the field, the answers kept, paid; the payer on the dashboard and in its CSV');
  });
  if (live) {
    // The fake's page has a self-signed certificate: only this flow's browser accepts it.
    await flow('stripe', async (page, shot) => {
      await page.goto(`${live}/pay.php?session=${stripe}`);
      await page.getByRole('link', { name: 'Card' }).click();
      if (await page.locator('#number').count() !== 0) throw new Error('a card field on Kassa\'s page in front of Stripe');
      await shot('1-continue');
      await page.getByRole('button', { name: 'Continue to pay' }).click();
      await page.getByRole('heading', { name: 'Fake Stripe Checkout' }).waitFor();
      await page.getByText('25.00 EUR').waitFor();
      await shot('2-stripe');
      await page.getByRole('button', { name: 'Pay at Stripe' }).click();
      await page.waitForSelector(`#outcome:has-text("${paidText}")`, { timeout: 30000 });
      await shot('3-paid');
      step('stripe', 'sent to Stripe Checkout, paid there, back on the hosted page: paid');
    }, { ignoreHTTPSErrors: true });
  }
} catch (e) {
  console.log(`browser: FAILED: ${e.message}`);
  await browser.close();
  process.exit(1);
}
await browser.close();
console.log('browser: all flows passed');
