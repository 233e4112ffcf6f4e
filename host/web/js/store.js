// What the page keeps in the browser. The API key: for this tab only (sessionStorage), or on
// this device when "remember" was ticked (localStorage); signing out removes it from both.
// Conversations: in localStorage, bounded, each with the server's conversation_id so that the
// server keeps the context when a conversation goes on.
const KEY = 'homelab-assistant.key';
const CONVERSATIONS = 'homelab-assistant.conversations';
const CURRENT = 'homelab-assistant.current';
const THEME = 'homelab-assistant.theme';
const MAX_CONVERSATIONS = 50;
const MAX_MESSAGES = 200;

function read(storage, name) {
  try {
    return storage.getItem(name);
  } catch {
    return null;  // storage switched off
  }
}
function write(storage, name, value) {
  try {
    if (value === null) storage.removeItem(name);
    else storage.setItem(name, value);
    return true;
  } catch {
    return false;  // full or switched off: the page still works for this tab
  }
}

export const keyStore = {
  load() { return read(sessionStorage, KEY) || read(localStorage, KEY) || ''; },
  save(key, remember) {
    write(sessionStorage, KEY, key);
    write(localStorage, KEY, remember ? key : null);
  },
  remembered() { return Boolean(read(localStorage, KEY)); },
  clear() {
    write(sessionStorage, KEY, null);
    write(localStorage, KEY, null);
  },
};

export const themeStore = {
  load() { return read(localStorage, THEME); },
  save(theme) { write(localStorage, THEME, theme); },
};

function newId() {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class Conversations {
  constructor() {
    let list = [];
    try {
      list = JSON.parse(read(localStorage, CONVERSATIONS) || '[]');
    } catch {
      list = [];
    }
    this.list = Array.isArray(list) ? list.filter((c) => c && typeof c.id === 'string' && Array.isArray(c.messages)) : [];
    this.currentId = read(localStorage, CURRENT);
    if (!this.find(this.currentId)) this.currentId = this.list[0]?.id ?? null;
  }

  find(id) { return this.list.find((c) => c.id === id) ?? null; }
  get current() { return this.find(this.currentId); }

  create() {
    const conversation = { id: newId(), title: '', serverId: null, created: Date.now(), updated: Date.now(), messages: [] };
    this.list.unshift(conversation);
    this.list = this.list.slice(0, MAX_CONVERSATIONS);
    this.currentId = conversation.id;
    this.save();
    return conversation;
  }

  select(id) {
    if (this.find(id)) this.currentId = id;
    this.save();
  }

  rename(id, title) {
    const c = this.find(id);
    if (!c) return;
    c.title = title.trim().slice(0, 120);
    this.save();
  }

  remove(id) {
    this.list = this.list.filter((c) => c.id !== id);
    if (this.currentId === id) this.currentId = this.list[0]?.id ?? null;
    this.save();
  }

  touch(conversation) {
    conversation.updated = Date.now();
    if (conversation.messages.length > MAX_MESSAGES) conversation.messages.splice(0, conversation.messages.length - MAX_MESSAGES);
    // The most recent first.
    this.list = [conversation, ...this.list.filter((c) => c.id !== conversation.id)];
    this.save();
  }

  save() {
    write(localStorage, CONVERSATIONS, JSON.stringify(this.list));
    write(localStorage, CURRENT, this.currentId);
  }
}

export function titleOf(conversation) {
  if (conversation.title) return conversation.title;
  const first = conversation.messages.find((m) => m.role === 'user');
  if (!first) return 'New conversation';
  return first.text.length > 60 ? `${first.text.slice(0, 57)}…` : first.text;
}
