// Seed 003's no-code path in headless Chromium (Debian's package), JavaScript off:
//   node offers.mjs BASE_URL SCREENSHOT_DIR EMAIL PASSWORD
// The merchant makes a payment link in the dashboard; a buyer opens it, pays with a test card; the merchant sees it
// paid with the link named, and the link used up. The same for a product page. The payout wallet: a mistyped address
// refused with its reason, a good one saved. A screenshot of every page.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const [base, shots] = process.argv.slice(2, 4);
const [email, password] = process.argv.slice(4, 6);
mkdirSync(shots, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.KASSA_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const step = (what) => console.log(`browser: offers: ${what}`);
const until = async (page, check, what, seconds = 30) => {
  const deadline = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(500); // no script on the page: poll by reloading, as a person would
    await page.reload();
  }
};
// The buyer, in a context of their own (no merchant cookie), pays at the hosted checkout with a test card.
async function buyerPays(url, title, amount, shot) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
  const buyer = await context.newPage();
  try {
    await buyer.goto(url);
    await buyer.getByRole('heading', { name: title }).waitFor();
    await buyer.getByText(amount).first().waitFor();
    await buyer.screenshot({ path: `${shots}/${shot}-1-page.png`, fullPage: true });
    await buyer.getByLabel('Your e-mail for the receipt (optional)').fill('buyer@example.org');
    await buyer.getByRole('button', { name: `Pay ${amount}` }).click();
    await buyer.waitForURL(/\/pay\.php\?session=\d+/);
    await buyer.getByRole('link', { name: 'Card' }).click();
    await buyer.getByLabel('Card number').fill('4242 4242 4242 4242');
    await buyer.getByLabel('Expiry (MM/YY)').fill('12/30');
    await buyer.getByLabel('Security code').fill('123');
    await buyer.getByRole('button', { name: 'Pay', exact: true }).click();
    await buyer.waitForSelector('#outcome:has-text("Payment received")', { timeout: 30000 });
    await buyer.screenshot({ path: `${shots}/${shot}-2-paid.png`, fullPage: true });
    return new URL(buyer.url()).searchParams.get('session');
  } finally {
    await context.close();
  }
}
let page;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
  page = await context.newPage();
  await page.goto(`${base}/dashboard/login`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();

  // A payment link, made in the dashboard.
  await page.getByRole('link', { name: 'Payment links' }).click();
  await page.getByRole('heading', { name: 'Payment links', exact: true }).waitFor();
  await page.getByLabel('What it is for').fill('Invoice 2026-117');
  await page.getByLabel('Amount').fill('25.00');
  await page.getByLabel('Currency').fill('EUR');
  await page.getByRole('button', { name: 'Make the link' }).click();
  await page.getByText('The payment link is made').waitFor();
  const linkUrl = await page.getByLabel('Address of Invoice 2026-117').inputValue();
  if (!/\/link\/[A-Za-z0-9_-]{22}$/.test(linkUrl)) throw new Error(`the link's address looks wrong: ${linkUrl}`);
  await page.screenshot({ path: `${shots}/offers-1-links.png`, fullPage: true });
  step(`link made: ${linkUrl}`);

  const linkSession = await buyerPays(linkUrl, 'Invoice 2026-117', '25.00 EUR', 'offers-2-link-buyer');
  step(`buyer paid session ${linkSession} through the link`);

  // The merchant sees it paid, named by the link.
  await page.getByRole('link', { name: 'Payments' }).click();
  const row = page.getByRole('row').filter({ hasText: 'Payment link: Invoice 2026-117' });
  await until(page, async () => (await row.filter({ hasText: 'paid' }).count()) === 1, 'the link payment shown paid');
  await page.screenshot({ path: `${shots}/offers-3-payments.png`, fullPage: true });
  await row.getByRole('link', { name: linkSession, exact: true }).click();
  await page.getByText('Payment link: Invoice 2026-117').waitFor();
  await page.getByText(/Paid 25\.00 EUR through/).waitFor();
  await page.screenshot({ path: `${shots}/offers-4-session.png`, fullPage: true });
  step('the dashboard shows the payment with the link named');

  await page.getByRole('link', { name: 'Payment links' }).click();
  await until(page, async () => (await page.getByRole('row').filter({ hasText: 'Invoice 2026-117' }).filter({ hasText: 'used_up' }).count()) === 1,
    'the single-use link shown used up');
  const again = await browser.newContext({ javaScriptEnabled: false });
  const late = await again.newPage();
  await late.goto(linkUrl);
  await late.getByText('This payment link has already been paid.').waitFor();
  if (await late.getByRole('button').count() !== 0) throw new Error('a paid single-use link still offers a button');
  await late.screenshot({ path: `${shots}/offers-5-link-used-up.png`, fullPage: true });
  await again.close();
  step('the paid single-use link makes no new checkout and says so');

  // A product and its page.
  await page.getByRole('link', { name: 'Products' }).click();
  await page.getByLabel('Name').fill('Blue mug');
  await page.getByLabel('Page address: /p/…').fill('blue-mug');
  await page.getByLabel('Description').fill('Stoneware, 300 ml, dishwasher safe.');
  await page.getByLabel('Price').fill('14.90');
  await page.getByLabel('Currency').fill('EUR');
  await page.getByRole('button', { name: 'Make the product' }).click();
  await page.getByText('The product is made').waitFor();
  const productUrl = await page.getByRole('link', { name: /\/p\/blue-mug$/ }).getAttribute('href');
  await page.screenshot({ path: `${shots}/offers-6-products.png`, fullPage: true });
  const productSession = await buyerPays(productUrl, 'Blue mug', '14.90 EUR', 'offers-7-product-buyer');
  await page.getByRole('link', { name: 'Payments' }).click();
  await until(page, async () => (await page.getByRole('row').filter({ hasText: 'Product: blue-mug' }).filter({ hasText: 'paid' }).count()) === 1,
    'the product payment shown paid');
  step(`buyer paid session ${productSession} on the product page`);
  await page.getByRole('link', { name: 'Products' }).click();
  await page.getByRole('link', { name: 'Edit Blue mug' }).click();
  await page.getByLabel('Price').fill('12.50');
  await page.getByRole('button', { name: 'Save the product' }).click();
  await page.getByText('The product is changed.').waitFor();
  const repriced = await (await page.request.get(productUrl)).text();
  if (!repriced.includes('12.50 EUR')) throw new Error('the product page does not show the new price');
  step('a product repriced');
  await page.getByRole('button', { name: 'Take off sale Blue mug' }).click();
  await page.getByText('The product is changed.').waitFor();
  const gone = await page.request.get(productUrl);
  if (gone.status() !== 404) throw new Error(`a product taken off sale answers ${gone.status()}, not 404`);
  step('a product taken off sale is a 404');

  // The payout wallet (the password asked again, as for every change of where money goes): a mistyped address (one
  // letter's case) refused, the right one saved.
  const confirm = async () => {
    await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
    await page.getByLabel('Your password').fill(password);
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
  };
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Wallet address').fill('0xFB6916095ca1df60bB79Ce92cE3Ea74c37c5d359');
  await page.getByRole('button', { name: 'Save payout wallet' }).click();
  await confirm();
  await page.getByRole('alert').filter({ hasText: 'fails its EIP-55 checksum' }).waitFor();
  await page.screenshot({ path: `${shots}/offers-8-wallet-refused.png`, fullPage: true });
  await page.getByLabel('Wallet address').fill('0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359');
  await page.getByRole('button', { name: 'Save payout wallet' }).click();
  await confirm();
  await page.getByText('Payout wallet and crypto checkout saved.').waitFor();
  if (await page.getByLabel('Wallet address').inputValue() !== '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359') throw new Error('the wallet was not saved');
  await page.screenshot({ path: `${shots}/offers-9-wallet-saved.png`, fullPage: true });
  step('a mistyped wallet refused, the right one saved');
  console.log(`browser: offers: sessions ${linkSession} ${productSession}`);
  console.log('browser: offers passed');
} catch (e) {
  const text = page ? (await page.content().catch(() => '')).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 400) : '';
  console.log(`browser: offers FAILED: ${e.message.split('\n')[0]} at ${page?.url()}: ${text}`);
  if (page) await page.screenshot({ path: `${shots}/offers-failure.png`, fullPage: true }).catch(() => {});
  process.exitCode = 1;
} finally {
  await browser.close();
}
