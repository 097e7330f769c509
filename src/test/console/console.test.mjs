// The operator console in a real browser against a real server, driven by ConsoleBrowserTest, which
// starts the server, the agents and the appliance simulator and answers this script's requests on stdin:
//   prints "ENROLL <token>"    -> the test enrolls and runs gw-1's agent, answers "STARTED"
//   prints "ENDED <sessionId>" -> the test checks that both agents ended it, answers "CHECKED"
//   prints "COMMAND <device>"  -> the test sends the device a command through the API, answers "SENT"
// Environment: CONSOLE_ORIGIN (http://127.0.0.1:port), ADMIN_TOKEN, SESSION_ID, SCREENSHOTS (a folder).
// Exits 0 after "PASSED", non-zero with the failed check.
import { mkdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { launch } from './browser.mjs';

const origin = process.env.CONSOLE_ORIGIN;
const adminToken = process.env.ADMIN_TOKEN;
const sessionId = process.env.SESSION_ID;
const shots = process.env.SCREENSHOTS;
mkdirSync(shots, { recursive: true });
const TIMEOUT = 15000;

const stdin = createInterface({ input: process.stdin });
const answers = [];
let waiting = null;
stdin.on('line', (line) => (waiting ? (waiting(line), waiting = null) : answers.push(line)));
/** Asks the Java side to do something and waits for its answer line. */
function ask(line) {
  console.log(line);
  return new Promise((resolve) => (answers.length ? resolve(answers.shift()) : waiting = resolve));
}

let checks = 0;
function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
  checks++;
  console.log(`ok ${checks} - ${what}`);
}

async function shot(page, name) {
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

const browser = await launch(origin);
try {
  // --- sign in with a pasted admin token
  const admin = await browser.page();
  admin.setDefaultTimeout(TIMEOUT);
  await admin.goto(`${origin}/console/`);
  await admin.waitForSelector('#token');
  await shot(admin, '01-sign-in');
  await admin.fill('#token', adminToken);
  await admin.click('button[type=submit]');
  await admin.waitForSelector('h1:text("Devices")');
  check(await admin.isVisible('nav a[href="#/tokens"]'), 'an admin sees the Tokens page in the navigation');
  check(!admin.url().includes(adminToken), 'the token is not in the URL');

  // --- create a device; its enrollment token is shown once; the agent's start shows up without a reload
  await admin.fill('#new-id', 'gw-1');
  await admin.fill('#new-groups', 'lab');
  await admin.click('form[aria-labelledby=create-heading] button[type=submit]');
  const enrollment = (await admin.textContent('#enrollment-token')).trim();
  check(enrollment.startsWith('hp1.'), 'the new device\'s enrollment token is shown');
  await admin.evaluate(() => { window.notReloaded = true; });
  check(await ask(`ENROLL ${enrollment}`) === 'STARTED', 'the test started gw-1\'s agent');
  await admin.waitForSelector('tr[data-device="gw-1"] td[data-label="Presence"] :text-is("online")');
  check(await admin.evaluate(() => window.notReloaded === true), 'gw-1 appeared online without reloading the page');
  check((await admin.textContent('tr[data-device="gw-1"] td[data-label="Public address"]')).includes('127.0.0.1:'),
    'its public address is shown');
  await admin.fill('#search', 'gw');
  check(await admin.locator('#devices tbody tr').count() === 1, 'search narrows the list');
  await admin.fill('#search', '');
  await admin.selectOption('#group', 'lab');
  check(await admin.locator('#devices tbody tr').count() === 1, 'the group filter narrows the list');
  await shot(admin, '02-devices');

  // --- the device page: an ECHONET Lite command from the generated form succeeds and its result shows
  await admin.click('a[href="#/devices/gw-1"]');
  await admin.waitForSelector('#plugin-command');
  await admin.selectOption('#cmd-action', 'set');
  await admin.selectOption('#param-operation', 'on');
  await admin.selectOption('#param-mode', 'cool');
  await admin.fill('#param-temperature', '26');
  await admin.click('#plugin-command button[type=submit]');
  await admin.waitForSelector('tr[data-command] td[data-label="State"] :text-is("succeeded")');
  const result = await admin.textContent('tr[data-command] td[data-label="Result"]');
  check(result.includes('Set_Res') && result.includes('"temperature": 26'), `the decoded result shows: ${result.replace(/\s+/g, ' ')}`);

  // --- an out-of-range parameter shows the API's own message at the field
  const refused = admin.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/commands'));
  await admin.fill('#param-temperature', '60');
  await admin.click('#plugin-command button[type=submit]');
  const problem = await (await refused).json();
  check((await refused).status() === 400 && problem.field === 'params.temperature', 'the API refused temperature 60');
  await admin.waitForSelector('#plugin-command .error');
  check((await admin.textContent('#plugin-command .error')).includes(problem.detail), `the API's message shows: ${problem.detail}`);
  check(await admin.getAttribute('#param-temperature', 'aria-invalid') === 'true', 'the field is marked invalid');
  check((await admin.textContent('#device-details')).includes('home-air-conditioner'), 'the device page lists the appliance');
  await shot(admin, '03-device');

  // --- sessions: ending one from the console ends it in both agents
  await admin.goto(`${origin}/console/#/sessions`);
  await admin.click(`[data-end-session="${sessionId}"]`);
  check(await ask(`ENDED ${sessionId}`) === 'CHECKED', 'both agents ended the session and reported');
  await admin.waitForSelector('#sessions :text-is("ended")');
  await shot(admin, '04-sessions');

  // --- address lists: publish the global list, urgent
  await admin.goto(`${origin}/console/#/address-lists`);
  await admin.fill('#new-scope', 'global');
  await admin.click('form.row button[type=submit]');
  await admin.click('text=Add entry');
  await admin.fill('#entry-id-0', 'acme-cloud');
  await admin.fill('#entry-url-0', 'https://cloud.example.com');
  await admin.selectOption('#entry-auth-0', 'webpki');
  await admin.check('#urgent');
  await admin.click('text=Publish global');
  await admin.waitForSelector('#scopes td:text-is("global")');
  check((await admin.textContent('#scope-view h2')).includes('version'), 'the published version shows');
  await shot(admin, '05-address-lists');

  // --- events: the live tail shows what happened, filtered by device
  await admin.goto(`${origin}/console/#/events`);
  await admin.fill('#event-devices', 'gw-1');
  await admin.click('form[role=search] button[type=submit]');
  await admin.waitForSelector('#stream-state:text("Live")');
  check(await ask('COMMAND gw-1') === 'SENT', 'the test sent gw-1 a command through the API');
  await admin.waitForSelector('#event-rows td:text-is("command.succeeded")');
  check(await admin.locator('#event-rows td[data-label="Device"]:not(:text-is("gw-1"))').count() === 0,
    'the tail shows only gw-1\'s events');
  await shot(admin, '06-events');

  // --- tokens: mint an integrator token limited to device a
  await admin.goto(`${origin}/console/#/tokens`);
  await admin.selectOption('#mint-role', 'integrator');
  await admin.fill('#mint-subject', 'integrator-a');
  await admin.fill('#mint-devices', 'a');
  await admin.click('form[aria-labelledby=mint-heading] button[type=submit]');
  const integratorToken = (await admin.textContent('#new-token')).trim();
  check(integratorToken.split('.').length === 3, 'the minted token is shown once');
  await admin.waitForSelector('#tokens td:text-is("integrator-a")');
  await shot(admin, '07-tokens');

  // --- the integrator, signed in by the URL fragment, sees only device a and nothing it may not use
  const integrator = await browser.page();
  integrator.setDefaultTimeout(TIMEOUT);
  await integrator.goto(`${origin}/console/#token=${integratorToken}`);
  await integrator.waitForSelector('tr[data-device="a"]');
  check(!integrator.url().includes(integratorToken), 'the fragment token is removed from the address bar');
  check(await integrator.locator('#devices tbody tr').count() === 1, 'the integrator sees only device a');
  check(!(await integrator.isVisible('nav a[href="#/tokens"]')), 'the integrator is not offered the Tokens page');
  check(!(await integrator.isVisible('form[aria-labelledby=create-heading]')), 'nor creating devices');
  await shot(integrator, '08-integrator-devices');
  await integrator.click('a[href="#/devices/a"]');
  await integrator.waitForSelector('#device-details');
  check(!(await integrator.isVisible('#plugin-command, #plain-command')), 'nor sending commands');
  await integrator.goto(`${origin}/console/#/sessions`);
  await integrator.waitForSelector('#sessions table');
  check(await integrator.locator('[data-end-session]').count() === 0, 'nor ending sessions');
  await integrator.goto(`${origin}/console/#/address-lists`);
  await integrator.waitForSelector('#scopes table');
  await integrator.goto(`${origin}/console/#/events`);
  await integrator.waitForSelector('#stream-state:text("Live")');
  await integrator.setViewportSize({ width: 390, height: 844 });
  await integrator.goto(`${origin}/console/#/devices`);
  await integrator.waitForSelector('tr[data-device="a"]');
  await shot(integrator, '09-integrator-phone');

  // --- the admin revokes the integrator's token from the Tokens page
  await integrator.close();
  await admin.click('button[aria-label="Revoke the token of integrator-a"]');
  await admin.waitForSelector('#tokens tr:has(td:text-is("integrator-a")) td[data-label="Revoked"]:not(:text-is("—"))');
  check(true, 'the integrator\'s token was revoked from the console');

  // --- the admin rotates the bootstrap admin token: shown once, the old one refused at once, the console carries on
  await admin.click('#rotate-admin');
  // the integrator's token minted above is still shown until the rotation's answer replaces it
  await admin.waitForFunction((minted) => {
    const shown = document.querySelector('#new-token');
    return shown && shown.textContent.trim() !== minted;
  }, integratorToken);
  const rotated = (await admin.textContent('#new-token')).trim();
  check(rotated.split('.').length === 3 && rotated !== adminToken, 'the rotated admin token is shown once');
  const withOld = await fetch(`${origin}/api/v1/devices`, { headers: { Authorization: `Bearer ${adminToken}` } });
  check(withOld.status === 401, `the old admin token is refused at once (${withOld.status})`);
  const withNew = await fetch(`${origin}/api/v1/devices`, { headers: { Authorization: `Bearer ${rotated}` } });
  check(withNew.status === 200, `the new admin token works (${withNew.status})`);
  await admin.goto(`${origin}/console/#/devices`);
  await admin.waitForSelector('tr[data-device="a"]');
  check(true, 'the console carries on with the new admin token');

  // --- what the browser did
  const refusedByAuth = browser.record.responses.filter((r) => r.status === 401 || r.status === 403);
  check(refusedByAuth.length === 0, `no request was refused by auth (of ${browser.record.responses.length} responses): `
    + JSON.stringify(refusedByAuth));
  check(browser.record.foreign.length === 0, `no request left the server: ${JSON.stringify(browser.record.foreign)}`);
  check(browser.record.errors.length === 0, `no console errors or exceptions: ${JSON.stringify(browser.record.errors)}`);
  console.log(`PASSED ${checks} checks`);
} catch (error) {
  console.log(`FAILED ${error.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
  stdin.close();
}
