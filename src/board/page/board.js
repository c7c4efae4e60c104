// The classroom board's page: rows from the board's event stream, sorted, redrawn each second
// so "stuck for" counts up. Read-only. Every learner-supplied string goes into the page as
// text (textContent), never as HTML.
'use strict';

const view = new URLSearchParams(location.search).get('view') ?? '';
const rows = new Map();
let clockOffset = 0; // board time minus this browser's time
let sortBy = 'stuck';
const openCode = new Set(); // learners whose shared program is unfolded

const tbody = document.querySelector('#learners tbody');
const summary = document.getElementById('summary');
const connection = document.getElementById('connection');
const empty = document.getElementById('empty');

function boardNow() {
  return Date.now() + clockOffset;
}

function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

function clock(ms) {
  return new Date(ms - clockOffset).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

const sorters = {
  name: (a, b) => a.name.localeCompare(b.name),
  level: (a, b) => b.level - a.level || a.name.localeCompare(b.name),
  last: (a, b) => b.lastAt - a.lastAt,
  // Stuck longest first; learners whose last check passed after them.
  stuck: (a, b) => {
    if (a.stuckSince !== null && b.stuckSince !== null) return a.stuckSince - b.stuckSince;
    if (a.stuckSince !== null) return -1;
    if (b.stuckSince !== null) return 1;
    return a.name.localeCompare(b.name);
  },
};

function cell(className, ...children) {
  const td = document.createElement('td');
  td.className = className;
  for (const child of children) td.append(child);
  return td;
}

function span(className, text) {
  const element = document.createElement('span');
  element.className = className;
  element.textContent = text;
  return element;
}

function failureCell(row) {
  if (!row.failure) return cell('failure', span('muted', row.passed ? 'all checks pass' : '—'));
  const { code, message, line } = row.failure;
  const text = span('message', message);
  text.title = message; // the page shows two lines of it; the whole on hover
  const td = cell('failure', span('code', code), ' ', span('muted', line ? `line ${line}` : ''), text);
  if (row.source !== null) {
    const details = document.createElement('details');
    details.open = openCode.has(row.name);
    details.addEventListener('toggle', () => (details.open ? openCode.add(row.name) : openCode.delete(row.name)));
    const label = document.createElement('summary');
    label.textContent = 'shared program';
    const pre = document.createElement('pre');
    pre.textContent = row.source;
    details.append(label, pre);
    td.append(details);
  }
  return td;
}

function rowElement(row, now) {
  const tr = document.createElement('tr');
  tr.className = row.passed ? 'pass' : 'fail';
  tr.dataset.name = row.name;
  const reached = row.levelReached === null ? 'none passed' : `passed ${row.levelReached}`;
  tr.append(
    cell('name', row.name),
    cell('track', row.track),
    cell('level', `${row.level}`, span('muted', reached)),
    cell('when', span('verdict', row.passed ? 'pass' : 'fail'), span('ago', `${duration(now - row.lastAt)} ago`), span('muted', clock(row.lastAt))),
    cell('stuck', row.stuckSince === null ? '' : duration(now - row.stuckSince)),
    failureCell(row),
  );
  return tr;
}

function render() {
  const now = boardNow();
  const list = [...rows.values()].sort(sorters[sortBy]);
  tbody.replaceChildren(...list.map((row) => rowElement(row, now)));
  const stuck = list.filter((r) => !r.passed).length;
  summary.textContent = `${list.length} learner${list.length === 1 ? '' : 's'} · ${stuck} with a failing check`;
  empty.hidden = list.length > 0;
}

for (const button of document.querySelectorAll('th button[data-sort]')) {
  button.addEventListener('click', () => {
    sortBy = button.dataset.sort;
    for (const other of document.querySelectorAll('th button[data-sort]')) other.removeAttribute('aria-sort');
    button.setAttribute('aria-sort', 'ascending');
    render();
  });
}

function connect() {
  const source = new EventSource(`events?view=${encodeURIComponent(view)}`);
  source.onopen = () => {
    connection.className = 'online';
    connection.textContent = 'live';
  };
  source.onerror = () => {
    connection.className = 'offline';
    connection.textContent = 'reconnecting to the board…';
  };
  source.onmessage = (event) => {
    const message = JSON.parse(event.data);
    clockOffset = message.now - Date.now();
    if (message.type === 'roster') {
      rows.clear();
      for (const row of message.rows) rows.set(row.name, row);
    } else if (message.type === 'learner') {
      rows.set(message.row.name, message.row);
    }
    render();
  };
}

connect();
setInterval(render, 1000);
