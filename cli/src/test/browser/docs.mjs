// Opens the API reference (/docs, Swagger UI over /openapi.yml) in headless Chromium (Debian's package), JavaScript on:
//   node docs.mjs BASE_URL SCREENSHOT_DIR
// Passes when the document renders with its title and the seed paths, and the page's policy refused nothing.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const [base, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.KASSA_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const refused = [];
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.on('console', (m) => { if (m.type() === 'error') refused.push(m.text()); });
  page.on('pageerror', (e) => refused.push(e.message));
  page.on('response', (r) => { if (r.status() >= 400) refused.push(`${r.status()} for ${r.url()}`); });
  await page.goto(`${base}/docs`);
  await page.getByRole('heading', { name: /Kassa merchant API/ }).waitFor({ timeout: 30000 });
  for (const path of ['/gateway/session.php', '/gateway/status.php', '/gateway/session_status.php', '/gateway/refund.php']) {
    await page.getByText(path, { exact: true }).first().waitFor({ timeout: 10000 });
    console.log(`browser: docs: ${path} shown`);
  }
  // Open the create operation: its request body and the error answers render from the schemas.
  await page.getByText('/gateway/session.php', { exact: true }).first().click();
  await page.getByText('CreateSessionRequest').first().waitFor({ timeout: 10000 }).catch(() => {});
  await page.screenshot({ path: `${shots}/docs-1-reference.png`, fullPage: false });
  if (refused.length > 0) {
    throw new Error(`the page logged errors: ${refused.join(' | ')}`);
  }
  console.log('browser: docs rendered');
} catch (e) {
  console.log(`browser: docs FAILED: ${e.message.split('\n')[0]}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
