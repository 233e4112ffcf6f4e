// Drives the web page in Debian's chromium (headless, through playwright-core) against the real
// server: sign-in, the five suggested questions, streamed answers seen growing (the fake model
// server sends one chunk every 150 ms), a tool call's details, a refusal, a wrong key, a 429,
// the status panel's real finding (a UPS on battery from the SDK's example plugin), a lost
// connection, phone and desktop widths, the dark theme, keyboard use, axe-core's WCAG 2 A/AA
// rules (contrast included), and that nothing but this origin is ever asked for and no
// Content-Security-Policy violation happens. A screenshot of every step goes to OUT.
//
// env: OFFLINE_URL, MODEL_URL, LIMITED_URL (the servers), FAKE_URL (the fake model server's
// control), RESP (its recorded streams), KEY, OUT, CHROMIUM
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const env = (name) => {
  if (!process.env[name]) throw new Error(`missing ${name}`);
  return process.env[name];
};
const [OFFLINE, MODEL, LIMITED, FAKE, RESP, KEY, OUT] = ['OFFLINE_URL', 'MODEL_URL', 'LIMITED_URL', 'FAKE_URL', 'RESP', 'KEY', 'OUT'].map(env);

let passed = 0;
let failed = 0;
function check(what, ok, detail = '') {
  if (ok) {
    passed += 1;
    console.log(`  ok   ${what}`);
  } else {
    failed += 1;
    console.log(`  FAIL ${what}${detail ? `: ${detail}` : ''}`);
  }
}
let shot = 0;
async function screenshot(page, name) {
  shot += 1;
  const file = join(OUT, `${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

async function script(steps) {
  const r = await fetch(`${FAKE}/__control/script`, { method: 'POST', body: JSON.stringify(steps) });
  if (!r.ok) throw new Error(`cannot script the fake model server: ${r.status}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // The machine's notes: no sandbox as root, no GPU, and nothing that calls home (the closed
  // network refuses it). Playwright gives every launch a fresh --user-data-dir of its own.
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

// Every page records what it asked for and any CSP violation or script error.
const foreign = [];
const problems = [];
async function newPage(options = {}) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 }, ...options });
  const page = await context.newPage();
  page.on('request', (r) => {
    const url = r.url();
    if (![OFFLINE, MODEL, LIMITED].some((origin) => url.startsWith(origin))) foreign.push(url);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of (401|429)/.test(m.text())
        && !/ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  return page;
}

const lastAnswer = (page) => page.locator('#transcript li.msg.assistant').last();
async function ask(page, question, { timeout = 20000 } = {}) {
  await page.fill('#question', question);
  await page.press('#question', 'Enter');
  const answer = lastAnswer(page);
  await answer.waitFor();
  await page.waitForFunction(() => {
    const items = document.querySelectorAll('#transcript li.msg.assistant');
    return items.length > 0 && items[items.length - 1].getAttribute('aria-busy') === 'false';
  }, null, { timeout });
  return lastAnswer(page);
}
async function signIn(page, url, key = KEY) {
  await page.goto(`${url}/`);
  await page.fill('#api-key', key);
  await page.click('#signin-form button[type=submit]');
}
async function axe(page, label) {
  // axe runs inside the page; its results come back as plain data.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  check(`axe-core WCAG 2.1 A/AA, ${label}: no violations`, result.length === 0, result.join('; '));
}

try {
  console.log('== desktop, offline provider');
  const page = await newPage();
  const response = await page.goto(`${OFFLINE}/`);
  const csp = response.headers()['content-security-policy'] || '';
  check('GET / is the page with a strict CSP', response.status() === 200 && csp.includes("default-src 'self'") && csp.includes("frame-ancestors 'none'"));
  await page.waitForSelector('#api-key');
  await screenshot(page, 'sign-in');
  await axe(page, 'sign-in');

  await page.fill('#api-key', 'wrong-key-0123456789abcdef');
  await page.click('#signin-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('signin-error').textContent.includes('401'));
  check('a wrong key: a clear 401 message, still on the sign-in form', await page.isVisible('#signin-form'));
  await screenshot(page, 'wrong-key');

  await page.fill('#api-key', KEY);
  await page.click('#signin-form button[type=submit]');
  await page.waitForSelector('#app:not([hidden])');
  check('signed in: the key is kept for the tab only', await page.evaluate(() => sessionStorage.length > 0 && localStorage.getItem('homelab-assistant.key') === null));
  await page.waitForSelector('.finding[data-severity="warning"]', { timeout: 20000 });
  const finding = await page.locator('.finding[data-severity="warning"]').filter({ hasText: 'example-ups' }).first().textContent();
  check('the status panel shows the real finding: the UPS on battery', /battery/i.test(finding || ''), finding);
  check('the verdict is a warning', (await page.getAttribute('#verdict', 'data-verdict')) === 'warning');
  await page.waitForSelector('#gauge-cpu');
  check('CPU, memory and disk gauges', (await page.locator('#gauges [role=meter]').count()) >= 3);
  check('no container list where docker.containers is not allowed', await page.isHidden('#containers-section'));
  await screenshot(page, 'status-panel');

  const suggestions = await page.locator('#suggestion-list button').allTextContents();
  check('five suggested questions', suggestions.length === 5, suggestions.join(' | '));
  for (let i = 0; i < suggestions.length; i += 1) {
    if (i === 0) {
      await page.click(`#suggestion-list button >> nth=0`);
      await page.waitForFunction(() => {
        const items = document.querySelectorAll('#transcript li.msg.assistant');
        return items.length > 0 && items[items.length - 1].getAttribute('aria-busy') === 'false';
      });
    } else {
      await ask(page, suggestions[i]);
    }
    const answer = lastAnswer(page);
    const text = (await answer.locator('.text').textContent()) || '';
    const failure = await answer.locator('.failure').count();
    check(`"${suggestions[i]}" answered`, text.trim().length > 10 && failure === 0, text.slice(0, 120));
    await screenshot(page, `question-${i + 1}`);
  }
  const health = page.locator('#transcript li.msg.assistant').first();
  check('the health check answer lists its tool calls', (await health.locator('details.tools li.tool').count()) >= 3);
  const tools = lastAnswer(page).locator('details.tools');
  await tools.locator('summary').first().click();
  await tools.locator('li.tool summary').first().click();
  const detail = await tools.locator('li.tool dl').first().textContent();
  check('a tool call opened: arguments, decision, duration', /Arguments/.test(detail) && /Decision\s*allowed/.test(detail) && /Duration/.test(detail), detail);
  await screenshot(page, 'tool-detail');

  await ask(page, 'Restart the plex container');
  const refused = lastAnswer(page);
  check('a refusal is shown as a refusal', (await refused.locator('.refusal').count()) === 1 && (await refused.getAttribute('class')).includes('refused'));
  await screenshot(page, 'refusal');

  // Conversations: new, rename, delete; the server's conversation id is kept.
  const before = await page.evaluate(() => JSON.parse(localStorage.getItem('homelab-assistant.conversations')));
  check('the conversation keeps the server\'s conversation_id', typeof before[0].serverId === 'string' && before[0].serverId.length > 0);
  await page.click('#new-conversation');
  await ask(page, 'How much memory is used?');
  check('two conversations listed', (await page.locator('#conversation-list li').count()) === 2);
  await page.locator('#conversation-list li').first().getByRole('button', { name: /^Rename/ }).click();
  await page.fill('#conversation-list input', 'Memory check');
  await page.press('#conversation-list input', 'Enter');
  check('renamed', (await page.locator('#conversation-list li').first().textContent()).includes('Memory check'));
  page.once('dialog', (d) => d.accept());
  await page.locator('#conversation-list li').first().getByRole('button', { name: /^Delete/ }).click();
  check('deleted', (await page.locator('#conversation-list li').count()) === 1);
  await screenshot(page, 'conversations');
  await axe(page, 'chat, light theme');

  // Keyboard: the skip link first, then the question box; Enter sends.
  await page.keyboard.press('Escape');
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('Tab');
  check('keyboard: the skip link comes first', (await page.evaluate(() => document.activeElement?.className)) === 'skip-link');
  await page.keyboard.press('Enter');
  check('keyboard: it leads to the question box', (await page.evaluate(() => document.activeElement?.id)) === 'question');
  const outline = await page.evaluate(() => {
    const b = document.getElementById('new-conversation');
    b.focus({ focusVisible: true });
    return getComputedStyle(b).outlineStyle;
  });
  check('keyboard focus is visible', outline !== 'none', outline);

  // A lost connection: the fetch fails; retry once it is back.
  await page.context().setOffline(true);
  await page.fill('#question', 'What is the CPU usage?');
  await page.press('#question', 'Enter');
  await page.waitForSelector('#banner:not([hidden])');
  check('a lost connection says so, with a retry', /Connection lost/.test(await page.textContent('#banner-text')) && await page.isVisible('#banner-retry'));
  await screenshot(page, 'connection-lost');
  await page.context().setOffline(false);
  await page.click('#banner-retry');
  await page.waitForFunction(() => {
    const items = document.querySelectorAll('#transcript li.msg.assistant');
    const last = items[items.length - 1];
    return last && last.getAttribute('aria-busy') === 'false' && !last.querySelector('.failure');
  });
  check('retried once the connection was back', /CPU/.test(await lastAnswer(page).locator('.text').textContent()));

  // Dark theme by the toggle.
  await page.click('#theme-toggle');
  const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  check('the toggle switches to the dark theme', dark === 'rgb(15, 18, 22)', dark);
  await axe(page, 'chat, dark theme');
  await screenshot(page, 'dark-theme-toggle');
  await page.click('#theme-toggle');
  await page.click('#sign-out');
  check('signing out removes the key', await page.evaluate(() => sessionStorage.getItem('homelab-assistant.key') === null && localStorage.getItem('homelab-assistant.key') === null));
  await page.context().close();

  console.log('== streamed answer through the fake model server');
  const streaming = await newPage();
  await script([
    { stream_file: `${RESP}/openai_stream_tool_call.sse` },
    { stream_file: `${RESP}/openai_stream_final.sse`, chunk_delay_ms: 150 },
  ]);
  await signIn(streaming, MODEL);
  await streaming.waitForSelector('#app:not([hidden])');
  await streaming.fill('#question', 'How much disk space and memory is left?');
  await streaming.press('#question', 'Enter');
  const lengths = [];
  let midShot = false;
  for (let i = 0; i < 100; i += 1) {
    const state = await streaming.evaluate(() => {
      const items = document.querySelectorAll('#transcript li.msg.assistant');
      const last = items[items.length - 1];
      return last ? { busy: last.getAttribute('aria-busy'), length: last.querySelector('.text').textContent.length } : null;
    });
    if (state && state.busy === 'false') break;
    if (state && state.length > 0 && lengths[lengths.length - 1] !== state.length) lengths.push(state.length);
    if (!midShot && lengths.length >= 3) {
      await screenshot(streaming, 'streaming');
      midShot = true;
    }
    await streaming.waitForTimeout(100);
  }
  check('the answer was seen growing before it completed', lengths.length >= 4, `lengths ${lengths.join(',')}`);
  const streamed = lastAnswer(streaming);
  await streamed.waitFor();
  check('the streamed answer is complete', (await streamed.locator('.text').textContent()).startsWith('The root filesystem has 42.1 GiB free'));
  check('with its two tool calls', (await streamed.locator('li.tool').count()) === 2);
  await screenshot(streaming, 'streamed-answer');

  await script([{ status: 401, body_file: `${RESP}/openai_invalid_key.json` }]);
  await ask(streaming, 'What is the CPU usage?');
  const degraded = lastAnswer(streaming);
  check('model unreachable: the degraded notice, then the offline answer',
    /is not answering/.test(await degraded.locator('.notice').textContent()) && /CPU/.test(await degraded.locator('.text').textContent()));
  await screenshot(streaming, 'model-unreachable');
  await streaming.context().close();

  console.log('== rate limited');
  const limited = await newPage();
  await signIn(limited, LIMITED);
  await limited.waitForSelector('#app:not([hidden])');
  await limited.waitForTimeout(500);  // the status panel spends the rest of the budget
  await limited.fill('#question', 'How much disk space is left?');
  await limited.press('#question', 'Enter');
  await limited.waitForSelector('#banner:not([hidden])');
  const banner = await limited.textContent('#banner-text');
  check('a 429 says how long to wait', /429/.test(banner) && /\d+ seconds/.test(banner), banner);
  check('and keeps the question', (await limited.inputValue('#question')) === 'How much disk space is left?');
  await screenshot(limited, 'rate-limited');
  await limited.context().close();

  console.log('== phone (375 px) and dark system theme');
  const phone = await newPage({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, colorScheme: 'dark' });
  await signIn(phone, OFFLINE);
  await phone.waitForSelector('#app:not([hidden])');
  check('phone: the panels fold away behind buttons', await phone.isVisible('#toggle-status') && await phone.isHidden('#status'));
  await ask(phone, 'How much disk space is left?');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check('phone: nothing wider than the screen', overflow <= 0, `${overflow} px too wide`);
  check('phone: the system\'s dark theme', (await phone.evaluate(() => getComputedStyle(document.body).backgroundColor)) === 'rgb(15, 18, 22)');
  await screenshot(phone, 'phone-chat');
  await phone.click('#toggle-status');
  await phone.waitForSelector('#status .finding');
  check('phone: the status panel opens', await phone.isVisible('#status'));
  await screenshot(phone, 'phone-status');
  await axe(phone, 'phone, dark');
  await phone.context().close();

  console.log('== for the README: a small desktop picture');
  const readme = await newPage({ viewport: { width: 1100, height: 640 } });
  await signIn(readme, OFFLINE);
  await readme.waitForSelector('.finding[data-severity="warning"]', { timeout: 20000 });
  await readme.click('#suggestion-list button >> nth=1');
  await readme.waitForFunction(() => document.querySelector('#transcript li.msg.assistant[aria-busy="false"]'));
  await readme.locator('details.tools summary').first().click();
  await readme.screenshot({ path: join(OUT, 'readme.png') });
  await readme.context().close();
} catch (e) {
  check('the browser test ran to its end', false, e.stack || String(e));
} finally {
  await browser.close();
}
check('no request left this origin', foreign.length === 0, foreign.slice(0, 5).join(' '));
check('no CSP violation or script error', problems.length === 0, problems.slice(0, 5).join(' | '));
console.log(`screenshots in ${OUT}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
