// The chat: conversations listed on the side, the transcript, the question box. Answers are
// streamed: tool calls appear as they start and finish, the text grows as it comes, the final
// event replaces it with the answer as the server recorded it.
import { ApiError } from './api.js';
import { $, clear, el, formatMs } from './dom.js';
import { titleOf } from './store.js';

export const SUGGESTED_QUESTIONS = [
  'Is everything running correctly?',
  'How much disk space is left?',
  'What is the CPU and memory usage?',
  'Are all my containers running?',
  'Did any service crash recently?',
];

function describeError(error) {
  if (!(error instanceof ApiError)) return { text: `Something went wrong: ${error.message}`, retry: true };
  switch (error.kind) {
    case 'auth': return { text: 'The API key was not accepted (401). Sign in again with the right key.', retry: false };
    case 'rate': return {
      text: `Too many requests (429): the server asks to wait ${error.retryAfter || 'a few'} seconds before the next question.`,
      retry: true, wait: error.retryAfter,
    };
    case 'model': return { text: `The language model is not answering (HTTP ${error.status}): ${error.message}`, retry: true };
    case 'network': return { text: `Connection lost: ${error.message} Check the network and retry.`, retry: true };
    case 'server': return { text: `The server failed (HTTP ${error.status}): ${error.message}`, retry: true };
    default: return { text: `The question was refused (HTTP ${error.status}): ${error.message}`, retry: false };
  }
}

function toolSummary(tool) {
  const parts = [tool.capability];
  if (tool.status === undefined) parts.push('running…');
  else parts.push(tool.decision === 'allowed' ? tool.status : `${tool.decision}`);
  if (typeof tool.duration_ms === 'number') parts.push(formatMs(tool.duration_ms));
  return parts.join(' · ');
}

function toolBadge(tool) {
  if (tool.status === undefined) return el('span', { class: 'badge running', text: 'running' });
  if (tool.decision !== 'allowed') return el('span', { class: 'badge denied', text: 'refused' });
  return el('span', { class: `badge ${tool.status === 'ok' ? 'ok' : 'failed'}`, text: tool.status === 'ok' ? 'ok' : 'failed' });
}

function renderTool(tool) {
  const args = typeof tool.arguments === 'string' ? tool.arguments : JSON.stringify(tool.arguments ?? {}, null, 2);
  const rows = [
    ['Capability', tool.capability],
    ['Arguments', el('pre', { text: args })],
    ['Decision', tool.decision ?? 'pending'],
  ];
  if (tool.reason) rows.push(['Reason', tool.reason]);
  rows.push(['Status', tool.status ?? 'running']);
  if (typeof tool.duration_ms === 'number') rows.push(['Duration', formatMs(tool.duration_ms)]);
  if (tool.error) rows.push(['Error', tool.error]);
  return el('li', { class: 'tool' },
    el('details', {},
      el('summary', {}, toolBadge(tool), ' ', toolSummary(tool)),
      el('dl', {}, rows.map(([k, v]) => [el('dt', { text: k }), el('dd', {}, v)]))));
}

function renderMessage(message, onRetry) {
  if (message.role === 'user') {
    return el('li', { class: 'msg user' }, el('p', { class: 'who', text: 'You' }), el('p', { class: 'text', text: message.text }));
  }
  const item = el('li', { class: `msg assistant${message.refused ? ' refused' : ''}`, 'aria-busy': message.pending ? 'true' : 'false' });
  const who = message.provider ? `Assistant · ${message.provider}` : 'Assistant';
  item.append(el('p', { class: 'who', text: who }));
  if (message.notice) item.append(el('p', { class: 'notice', role: 'note', text: message.notice }));
  if (message.refused) {
    item.append(el('p', { class: 'refusal', text: `Refused${message.refusal?.category ? ` (${message.refusal.category.replace(/_/g, ' ')})` : ''}: this assistant only reads, it never changes anything.` }));
  }
  item.append(el('p', { class: 'text', text: message.text || (message.pending ? '' : '') }));
  const tools = message.tools ?? [];
  if (tools.length > 0) {
    const ran = tools.filter((t) => t.decision === 'allowed').length;
    const label = `${tools.length} tool call${tools.length === 1 ? '' : 's'}${ran !== tools.length ? ` (${tools.length - ran} refused)` : ''}: ${[...new Set(tools.map((t) => t.capability))].join(', ')}`;
    item.append(el('details', { class: 'tools' }, el('summary', { text: label }), el('ul', {}, tools.map(renderTool))));
  }
  if (message.error) {
    item.append(el('p', { class: 'failure', text: message.error }));
    if (message.retryable && onRetry) item.append(el('div', { class: 'actions' }, el('button', { type: 'button', onclick: onRetry, text: 'Retry' })));
  }
  return item;
}

export class ChatView {
  constructor({ conversations, api, onAuthFailed }) {
    this.conversations = conversations;
    this.api = api;  // () => Api
    this.onAuthFailed = onAuthFailed;
    this.controller = null;
    this.waitUntil = 0;
    $('composer').addEventListener('submit', (e) => {
      e.preventDefault();
      this.ask($('question').value);
    });
    $('question').addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.ask($('question').value);
      }
    });
    $('stop').addEventListener('click', () => this.controller?.abort());
    $('new-conversation').addEventListener('click', () => {
      this.conversations.create();
      this.render();
      $('question').focus();
    });
    $('banner-close').addEventListener('click', () => this.hideBanner());
    const list = $('suggestion-list');
    for (const q of SUGGESTED_QUESTIONS) list.append(el('li', {}, el('button', { type: 'button', text: q, onclick: () => this.ask(q) })));
  }

  get busy() { return this.controller !== null; }

  showBanner(text, { kind = 'warning', retry = null } = {}) {
    $('banner').hidden = false;
    $('banner').dataset.kind = kind;
    $('banner-text').textContent = text;
    const button = $('banner-retry');
    button.hidden = !retry;
    button.onclick = retry;
  }

  hideBanner() {
    $('banner').hidden = true;
    clearInterval(this.countdown);
  }

  render() {
    const current = this.conversations.current;
    this.renderList();
    $('chat-title').textContent = current ? titleOf(current) : 'New conversation';
    const transcript = clear($('transcript'));
    const messages = current?.messages ?? [];
    messages.forEach((m, i) => transcript.append(renderMessage(m, m.retryable ? () => this.retry(current, i) : null)));
    $('suggestions').hidden = messages.length > 0;
    transcript.scrollTop = transcript.scrollHeight;
  }

  renderList() {
    const list = clear($('conversation-list'));
    for (const c of this.conversations.list) {
      const current = c.id === this.conversations.currentId;
      const title = titleOf(c);
      const item = el('li', { 'aria-current': current ? 'true' : 'false' });
      item.append(
        el('button', { type: 'button', class: 'open-conversation', text: title, title, 'aria-label': `Open conversation: ${title}`,
          onclick: () => { if (!this.busy) { this.conversations.select(c.id); this.render(); } } }),
        el('button', { type: 'button', class: 'link', text: 'Rename', 'aria-label': `Rename conversation: ${title}`, onclick: () => this.startRename(item, c) }),
        el('button', { type: 'button', class: 'link', text: 'Delete', 'aria-label': `Delete conversation: ${title}`,
          onclick: () => {
            if (this.busy && current) return;
            if (window.confirm(`Delete the conversation "${title}" from this browser?`)) {
              this.conversations.remove(c.id);
              this.render();
              $('new-conversation').focus();
            }
          } }),
      );
      list.append(item);
    }
  }

  startRename(item, conversation) {
    const input = el('input', { type: 'text', value: titleOf(conversation), 'aria-label': 'New name of the conversation', maxlength: 120 });
    const done = (save) => {
      if (save && input.value.trim()) this.conversations.rename(conversation.id, input.value);
      this.render();
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); done(true); }
      if (e.key === 'Escape') { e.preventDefault(); done(false); }
    });
    input.addEventListener('blur', () => done(true), { once: true });
    clear(item).append(input);
    input.focus();
    input.select();
  }

  retry(conversation, index) {
    const question = conversation.messages[index - 1];
    if (!question || question.role !== 'user') return;
    conversation.messages.splice(index - 1, 2);
    this.conversations.touch(conversation);
    this.ask(question.text);
  }

  async ask(rawQuestion) {
    const question = rawQuestion.trim();
    if (!question || this.busy) return;
    const wait = Math.ceil((this.waitUntil - Date.now()) / 1000);
    if (wait > 0) {
      this.showBanner(`Too many requests (429): wait ${wait} more seconds before the next question.`);
      return;
    }
    this.hideBanner();
    const conversation = this.conversations.current ?? this.conversations.create();
    conversation.messages.push({ role: 'user', text: question });
    const answer = { role: 'assistant', text: '', tools: [], pending: true };
    conversation.messages.push(answer);
    this.conversations.touch(conversation);
    $('question').value = '';
    this.render();
    const transcript = $('transcript');
    let item = transcript.lastElementChild;
    const textNode = () => item.querySelector('.text');
    const redraw = () => {
      const fresh = renderMessage(answer, null);
      item.replaceWith(fresh);
      item = fresh;
      transcript.scrollTop = transcript.scrollHeight;
    };
    let round = 0;
    this.controller = new AbortController();
    $('send').disabled = true;
    $('stop').hidden = false;
    try {
      await this.api().chat({ message: question, conversationId: conversation.serverId }, {
        start: (d) => { conversation.serverId = d.conversation_id; },
        tool_call_started: (d) => { answer.tools.push({ id: d.id, capability: d.capability, arguments: d.arguments }); redraw(); },
        tool_call_finished: (d) => {
          const tool = answer.tools.find((t) => t.id === d.id && t.status === undefined);
          if (tool) Object.assign(tool, d); else answer.tools.push(d);
          redraw();
        },
        text_delta: (d) => {
          if (d.round !== round) { round = d.round; answer.text = ''; }
          answer.text += d.text;
          textNode().textContent = answer.text;
          transcript.scrollTop = transcript.scrollHeight;
        },
        degraded: (d) => { answer.notice = d.notice; answer.text = ''; round = 0; redraw(); },
        refusal: (d) => { answer.refused = true; answer.refusal = { category: d.category, reason: d.reason }; },
        answer: (d) => {
          conversation.serverId = d.conversation_id;
          answer.provider = d.provider;
          answer.refused = d.refused;
          answer.degraded = Boolean(d.degraded);
          if (d.degraded) answer.notice = d.notice;
          // The notice is shown apart: the text is the answer itself.
          answer.text = d.degraded && d.message.startsWith(`${d.notice}\n`) ? d.message.slice(d.notice.length + 1) : d.message;
        },
        error: (d) => {
          const failure = describeError(new ApiError(d.status === 429 ? 'rate' : [502, 503, 504].includes(d.status) ? 'model' : 'server', d.status, d.error));
          answer.error = failure.text;
          answer.retryable = failure.retry;
        },
      }, this.controller.signal);
    } catch (e) {
      if (e.name === 'AbortError') {
        answer.error = 'Stopped: the question was cancelled.';
        answer.retryable = true;
      } else {
        const failure = describeError(e);
        if (e instanceof ApiError && e.kind === 'auth') {
          conversation.messages.splice(conversation.messages.length - 2, 2);
          this.conversations.touch(conversation);
          this.finish();
          this.onAuthFailed(failure.text);
          return;
        }
        if (e instanceof ApiError && e.kind === 'rate') {
          this.waitUntil = Date.now() + (e.retryAfter || 5) * 1000;
          this.startCountdown();
          $('question').value = question;
          conversation.messages.splice(conversation.messages.length - 2, 2);
        } else {
          answer.error = failure.text;
          answer.retryable = failure.retry;
          if (e.kind === 'network') this.showBanner(failure.text, { kind: 'error', retry: () => this.retry(conversation, conversation.messages.indexOf(answer)) });
        }
      }
    }
    answer.pending = false;
    this.conversations.touch(conversation);
    this.finish();
    this.render();
  }

  startCountdown() {
    clearInterval(this.countdown);
    const tick = () => {
      const left = Math.ceil((this.waitUntil - Date.now()) / 1000);
      if (left <= 0) {
        clearInterval(this.countdown);
        this.showBanner('You can ask again now.', { retry: () => this.ask($('question').value) });
        return;
      }
      this.showBanner(`Too many requests (429): the server asks to wait ${left} seconds before the next question. Your question is kept in the box.`);
    };
    tick();
    this.countdown = setInterval(tick, 1000);
  }

  finish() {
    this.controller = null;
    $('send').disabled = false;
    $('stop').hidden = true;
  }
}
