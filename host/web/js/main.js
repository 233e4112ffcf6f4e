// Starts the page: sign-in with the API key, then the chat and the status panel.
import { Api, ApiError } from './api.js';
import { ChatView } from './chat.js';
import { $ } from './dom.js';
import { StatusPanel } from './status.js';
import { Conversations, keyStore, themeStore } from './store.js';

let api = new Api('');
const conversations = new Conversations();

// ---- theme: the system's unless the toggle chose one
const darkQuery = window.matchMedia('(prefers-color-scheme: dark)');
function applyTheme() {
  const chosen = themeStore.load();
  if (chosen === 'dark' || chosen === 'light') document.documentElement.dataset.theme = chosen;
  else delete document.documentElement.dataset.theme;
  const dark = chosen ? chosen === 'dark' : darkQuery.matches;
  const toggle = $('theme-toggle');
  toggle.setAttribute('aria-pressed', String(dark));
  toggle.textContent = 'Dark theme';
}
$('theme-toggle').addEventListener('click', () => {
  const dark = $('theme-toggle').getAttribute('aria-pressed') === 'true';
  themeStore.save(dark ? 'light' : 'dark');
  applyTheme();
});
darkQuery.addEventListener('change', applyTheme);
applyTheme();

// ---- narrow screens: conversations and status open one at a time above the chat
const narrow = window.matchMedia('(max-width: 1023px)');
const panels = [['toggle-conversations', 'conversations'], ['toggle-status', 'status']];
function layoutPanels() {
  for (const [buttonId, panelId] of panels) {
    const button = $(buttonId);
    const panel = $(panelId);
    button.hidden = !narrow.matches || $('app').hidden;
    panel.classList.toggle('collapsible', narrow.matches);
    if (!narrow.matches) panel.classList.remove('open');
    button.setAttribute('aria-expanded', String(panel.classList.contains('open')));
  }
}
for (const [buttonId, panelId] of panels) {
  $(buttonId).addEventListener('click', () => {
    const open = !$(panelId).classList.contains('open');
    for (const [, other] of panels) $(other).classList.remove('open');
    $(panelId).classList.toggle('open', open);
    layoutPanels();
    if (open) $(panelId).querySelector('h2')?.setAttribute('tabindex', '-1');
    if (open) $(panelId).querySelector('h2')?.focus();
  });
}
narrow.addEventListener('change', layoutPanels);

// ---- sign in and out
function showSignIn(message = '') {
  status.stop();
  $('app').hidden = true;
  $('sign-out').hidden = true;
  $('signin').hidden = false;
  $('signin-error').textContent = message;
  $('remember').checked = keyStore.remembered();
  layoutPanels();
  $('api-key').focus();
}

function signOut(message = '') {
  keyStore.clear();
  api = new Api('');
  $('api-key').value = '';
  showSignIn(message);
}

const chat = new ChatView({ conversations, api: () => api, onAuthFailed: (m) => signOut(m) });
const status = new StatusPanel({ api: () => api, onAuthFailed: (m) => signOut(m) });

async function signIn(key, remember) {
  const candidate = new Api(key);
  $('signin-error').textContent = '';
  let tools;
  try {
    tools = await candidate.tools();  // cheap, authenticated: proves the key
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    const messages = {
      auth: 'That API key was not accepted (401). Check it and try again.',
      rate: `Too many attempts (429): wait ${e.retryAfter || 'a few'} seconds and try again.`,
      network: 'The server could not be reached. Check the address and the network, then try again.',
    };
    showSignIn(messages[e.kind] ?? `Signing in failed (HTTP ${e.status}): ${e.message}`);
    return;
  }
  api = candidate;
  keyStore.save(key, remember);
  $('signin').hidden = true;
  $('app').hidden = false;
  $('sign-out').hidden = false;
  layoutPanels();
  chat.render();
  status.start(tools.tools);
  $('question').focus();
}

$('signin-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const key = $('api-key').value.trim();
  if (!key) {
    $('signin-error').textContent = 'Enter the API key.';
    return;
  }
  signIn(key, $('remember').checked);
});
$('sign-out').addEventListener('click', () => signOut('Signed out. The key was removed from this browser.'));

const saved = keyStore.load();
if (saved) signIn(saved, keyStore.remembered());
else showSignIn();
