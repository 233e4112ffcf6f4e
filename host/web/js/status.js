// The status panel: GET /v1/status (the verdict and every plugin's findings, by severity) and
// gauges from the read-only capabilities cpu.usage, memory.usage and disk.usage, plus the
// containers from docker.containers where that capability exists. It refreshes every few
// seconds while the tab is visible, slows down when the rate limit runs low, and waits as long
// as a 429 asks.
import { ApiError } from './api.js';
import { $, clear, el, formatBytes } from './dom.js';

const GAUGE_INTERVAL_MS = 10000;
const STATUS_EVERY = 3;  // the health check (heavier, audited) every third refresh
const SEVERITIES = [['critical', 'Critical'], ['warning', 'Warnings'], ['ok', 'Fine']];

function level(percent) {
  if (percent >= 90) return 'critical';
  if (percent >= 75) return 'warning';
  return 'ok';
}

function gauge(id, label, percent, detail) {
  const value = Math.max(0, Math.min(100, Number(percent) || 0));
  const fill = el('div', { class: 'gauge-fill', 'data-level': level(value) });
  fill.style.width = `${value}%`;
  return el('div', { class: 'gauge', id },
    el('div', { class: 'gauge-label' }, el('span', { text: label }), el('span', { text: `${value.toFixed(value < 10 ? 1 : 0)}%${detail ? ` · ${detail}` : ''}` })),
    el('div', { class: 'gauge-track', role: 'meter', 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': value.toFixed(1),
      'aria-valuetext': `${value.toFixed(1)} percent${detail ? `, ${detail}` : ''}` }, fill));
}

export class StatusPanel {
  constructor({ api, onAuthFailed }) {
    this.api = api;
    this.onAuthFailed = onAuthFailed;
    this.capabilities = new Set();
    this.timer = null;
    this.cycle = 0;
    this.running = false;
    this.pausedUntil = 0;
    $('status-refresh').addEventListener('click', () => this.refresh(true));
    document.addEventListener('visibilitychange', () => {
      if (document.hidden) this.pause();
      else if (this.running) this.schedule(0);
    });
  }

  // capabilities: GET /v1/tools' list (only allowed ones are asked for).
  start(tools) {
    this.capabilities = new Set((tools ?? []).filter((t) => t.allowed && t.effect === 'read-only').map((t) => t.name));
    $('containers-section').hidden = !this.capabilities.has('docker.containers');
    this.running = true;
    this.cycle = 0;
    this.schedule(0);
  }

  stop() {
    this.running = false;
    this.pause();
  }

  pause() {
    clearTimeout(this.timer);
    this.timer = null;
  }

  schedule(ms) {
    this.pause();
    if (!this.running || document.hidden) return;
    this.timer = setTimeout(() => this.refresh(false), ms);
  }

  nextDelay() {
    const api = this.api();
    // Leave most of the rate limit to questions: slow down when under a third of it is left.
    const low = api.limit > 0 && api.remaining < api.limit / 3;
    return low ? GAUGE_INTERVAL_MS * 4 : GAUGE_INTERVAL_MS;
  }

  async refresh(full) {
    if (Date.now() < this.pausedUntil) {
      this.schedule(this.pausedUntil - Date.now());
      return;
    }
    const withStatus = full || this.cycle % STATUS_EVERY === 0;
    this.cycle += 1;
    try {
      const jobs = [this.refreshGauges()];
      if (withStatus) jobs.push(this.refreshStatus(), this.refreshContainers());
      await Promise.all(jobs);
      $('status-updated').textContent = `Updated ${new Date().toLocaleTimeString()}${document.hidden ? '' : ''}`;
    } catch (e) {
      if (e instanceof ApiError && e.kind === 'auth') {
        this.stop();
        this.onAuthFailed('The API key was not accepted (401). Sign in again with the right key.');
        return;
      }
      if (e instanceof ApiError && e.kind === 'rate') {
        this.pausedUntil = Date.now() + (e.retryAfter || 30) * 1000;
        $('status-updated').textContent = `Rate limited (429): the status refreshes again in ${e.retryAfter || 30} s.`;
      } else if (e instanceof ApiError && e.kind === 'network') {
        $('status-updated').textContent = 'Connection lost: the status could not be refreshed; retrying.';
      } else {
        $('status-updated').textContent = `The status could not be refreshed: ${e.message}`;
      }
    }
    this.schedule(Math.max(this.nextDelay(), this.pausedUntil - Date.now()));
  }

  async refreshStatus() {
    const report = await this.api().status();
    const box = $('verdict');
    box.dataset.verdict = report.verdict;
    $('verdict-word').textContent = { ok: 'All fine', warning: 'Warning', critical: 'Critical' }[report.verdict] ?? report.verdict;
    $('verdict-summary').textContent = report.summary ?? '';
    const findings = clear($('findings'));
    for (const [severity, title] of SEVERITIES) {
      const items = (report.findings ?? []).filter((f) => f.severity === severity);
      if (items.length === 0) continue;
      const list = el('ul', {}, items.map((f) => el('li', { class: 'finding', 'data-severity': severity },
        el('span', { class: 'plugin', text: `${f.plugin}${f.subject ? ` · ${f.subject}` : ''}` }), el('br'), f.message)));
      const heading = `${title} (${items.length})`;
      findings.append(severity === 'ok'
        ? el('details', {}, el('summary', { text: heading }), list)
        : el('section', { 'aria-label': heading }, el('h4', { class: `state-${severity}`, text: heading }), list));
    }
    if (!findings.firstChild) findings.append(el('p', { class: 'muted', text: 'No plugin reports health findings.' }));
  }

  async call(capability) {
    if (!this.capabilities.has(capability)) return null;
    try {
      return (await this.api().run(capability)).result;
    } catch (e) {
      if (e instanceof ApiError && (e.kind === 'auth' || e.kind === 'rate' || e.kind === 'network')) throw e;
      return { error: e.message };
    }
  }

  async refreshGauges() {
    const [cpu, memory, disk] = await Promise.all([this.call('cpu.usage'), this.call('memory.usage'), this.call('disk.usage')]);
    const box = clear($('gauges'));
    if (cpu && !cpu.error) box.append(gauge('gauge-cpu', 'CPU', cpu.usage_percent, cpu.load_average ? `load ${cpu.load_average['1m']}` : ''));
    if (memory && !memory.error) box.append(gauge('gauge-memory', 'Memory', memory.used_percent, `${formatBytes(memory.used_bytes)} of ${formatBytes(memory.total_bytes)}`));
    for (const fs of (disk?.filesystems ?? []).slice(0, 4)) {
      box.append(gauge(`gauge-disk-${fs.mount_point}`, `Disk ${fs.mount_point}`, fs.used_percent, `${formatBytes(fs.available_bytes)} free`));
    }
    for (const failed of [cpu, memory, disk].filter((r) => r?.error)) box.append(el('p', { class: 'muted small', text: failed.error }));
    if (!box.firstChild) box.append(el('p', { class: 'muted', text: 'No usage capability is allowed by the policy.' }));
  }

  async refreshContainers() {
    if (!this.capabilities.has('docker.containers')) return;
    let result;
    try {
      result = (await this.api().run('docker.containers')).result;
    } catch (e) {
      if (e instanceof ApiError && (e.kind === 'auth' || e.kind === 'rate' || e.kind === 'network')) throw e;
      // Docker is not installed or not reachable here: the findings say so; no list then.
      $('containers-section').hidden = true;
      return;
    }
    $('containers-section').hidden = false;
    const list = clear($('containers'));
    const containers = result?.containers ?? [];
    const running = containers.filter((c) => c.state === 'running').length;
    $('containers-counts').textContent = `${running} of ${containers.length} running`;
    for (const c of containers.slice(0, 40)) {
      const state = c.health === 'unhealthy' || (c.state === 'exited' && c.exit_code) ? 'critical' : c.state === 'running' ? 'ok' : 'warning';
      list.append(el('li', {}, el('span', { text: c.name }), el('span', { class: `state-${state}`, text: c.health ? `${c.state}, ${c.health}` : c.state })));
    }
  }
}
