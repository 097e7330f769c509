// Page weight and time to first render of the operator console on this machine, in Debian's chromium
// with a cold cache each time: the bytes of every console file the page loads, the first contentful
// paint and the time until the device list is drawn (signed in, the devices read from the API).
// Usage: HOMEPORT_TOKEN=<an API token> node src/test/console/figures.mjs [http://localhost:8080] [runs]
import { launch } from './browser.mjs';

const origin = (process.argv[2] || 'http://localhost:8080').replace(/\/$/, '');
const runs = Number(process.argv[3] || 5);
const token = process.env.HOMEPORT_TOKEN;
if (!token) {
  console.error('set HOMEPORT_TOKEN to an API token (e.g. the output of `java -jar target/homeport.jar admin token`)');
  process.exit(2);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const browser = await launch(origin);
try {
  const paints = [];
  const lists = [];
  let files = new Map();
  for (let i = 0; i < runs; i++) {
    const page = await browser.page();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    files = new Map();
    page.on('response', async (r) => {
      if (new URL(r.url()).pathname.startsWith('/console/')) files.set(r.url(), (await r.body()).length);
    });
    // the token travels in the fragment, which the browser never sends
    await page.goto(`${origin}/console/#token=${encodeURIComponent(token)}`);
    await page.waitForSelector('text=/[0-9]+ of [0-9]+ devices/');
    lists.push(await page.evaluate(() => performance.now()));
    paints.push(await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN));
    await page.close();
  }
  const weight = [...files.values()].reduce((sum, n) => sum + n, 0);
  console.log(`console page weight: ${weight} bytes in ${files.size} files (uncompressed)`);
  console.log(`first contentful paint: median ${median(paints).toFixed(0)} ms of ${runs} cold loads`);
  console.log(`device list drawn: median ${median(lists).toFixed(0)} ms of ${runs} cold loads`);
} finally {
  await browser.close();
}
