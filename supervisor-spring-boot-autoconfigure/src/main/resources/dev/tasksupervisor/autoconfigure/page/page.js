// The task supervisor's live page: polls the supervisor endpoint every 2 s and shows its pool, workers and aloops;
// when the endpoint's writes are allowed, posts its actions (trigger, start, stop, pause, resume, resize).
//
// Rows are kept per worker and updated in place, so that a button is not replaced under the pointer by the next
// refresh; a worker's buttons are made again only when the actions it allows change. Everything the endpoint
// says is shown as text (textContent), never as markup: worker names and error messages come from the
// application.
//
// Why one long file: the page is static files with no build step, so no bundler would join modules; one script
// keeps the page to three requests, and its parts (fetching, the pool, the workers, the aloops, formatting) are
// sections of it.
'use strict';

(() => {
  const REFRESH_MILLIS = 2000;

  const html = document.documentElement;
  const endpoint = new URL(html.dataset.endpoint, document.baseURI).href.replace(/\/$/, '');
  const writable = html.dataset.writable === 'true';

  const $ = (id) => document.getElementById(id);
  const workerRows = new Map(); // worker name -> {row, cells, actions: the actions its buttons are for}
  let generation = 0;           // the latest refresh; an older one that answers late is dropped
  let timer = null;
  let clockOffset = 0;          // server clock minus this browser's, when they differ by more than the Date header's second
  let poolFormFilled = false;

  // ---- fetching ----

  async function refresh() {
    const mine = ++generation;
    clearTimeout(timer);
    try {
      const response = await fetch(endpoint, {headers: {Accept: 'application/json'}, cache: 'no-store',
        credentials: 'same-origin'});
      if (!response.ok) {
        throw new Error(`the supervisor endpoint answered ${await describe(response)}`);
      }
      const body = await response.json();
      if (mine !== generation) {
        return;
      }
      noteServerClock(response.headers.get('Date'));
      render(body);
      $('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
      $('updated').classList.remove('stale');
    } catch (error) {
      if (mine === generation) {
        $('updated').textContent = `not updated: ${error.message}`;
        $('updated').classList.add('stale');
      }
    } finally {
      if (mine === generation) {
        timer = setTimeout(refresh, REFRESH_MILLIS);
      }
    }
  }

  /** The status and the message of an error answer, such as "403 Forbidden: The supervisor endpoint is read-only...". */
  async function describe(response) {
    let message = '';
    try {
      const body = await response.json();
      message = body.message || body.error || '';
    } catch (ignored) {
      // not JSON: the status says enough
    }
    return `${response.status}${response.statusText ? ' ' + response.statusText : ''}${message ? ': ' + message : ''}`;
  }

  function noteServerClock(date) {
    const server = Date.parse(date || '');
    if (!Number.isNaN(server)) {
      const offset = server - Date.now();
      clockOffset = Math.abs(offset) > 2000 ? offset : 0;
    }
  }

  async function post(url, body, what) {
    showNotice(null);
    const headers = {'Content-Type': 'application/json', Accept: 'application/json'};
    // Spring Security's cookie CSRF repository, read as its JavaScript clients do.
    const csrf = document.cookie.split('; ').find((cookie) => cookie.startsWith('XSRF-TOKEN='));
    if (csrf) {
      headers['X-XSRF-TOKEN'] = decodeURIComponent(csrf.substring('XSRF-TOKEN='.length));
    }
    try {
      const response = await fetch(url, {method: 'POST', headers, body: JSON.stringify(body), cache: 'no-store',
        credentials: 'same-origin'});
      if (!response.ok) {
        showNotice(`${what}: refused, ${await describe(response)}`);
      }
    } catch (error) {
      showNotice(`${what}: ${error.message}`);
    }
    refresh();
  }

  function showNotice(text) {
    const notice = $('notice');
    notice.textContent = text || '';
    notice.hidden = !text;
  }

  // ---- the supervisor and its pool ----

  function render(supervisor) {
    $('supervisor-id').textContent = `'${supervisor.id}'`;
    badge($('supervisor-state'), supervisor.state);
    document.title = `Task supervisor '${supervisor.id}'`;
    renderPool(supervisor.pool, supervisor.pollDelay);
    renderWorkers(supervisor.workers || []);
    renderAloops(supervisor.aloops || []);
  }

  function renderPool(pool, pollDelay) {
    const figures = $('pool-figures');
    figures.replaceChildren();
    if (!pool) {
      figure(figures, 'pool', 'none yet: the supervisor has not started');
      gauge('threads', 0, 0, '–');
      gauge('active', 0, 0, '–');
      return;
    }
    gauge('threads', pool.currentSize, pool.maxSize, `${count(pool.currentSize)} of ${count(pool.maxSize)}`);
    gauge('active', pool.active, pool.maxSize, `${count(pool.active)} of ${count(pool.maxSize)}`);
    figure(figures, 'min size', count(pool.minSize));
    figure(figures, 'max size', count(pool.maxSize));
    figure(figures, 'largest', count(pool.largest));
    figure(figures, 'queued', count(pool.queued), 'pool-queued');
    if (pool.priorities) {
      figure(figures, 'waiting for a priority slot', count(pool.waiting));
      figure(figures, 'priorities', `pool size ${pool.priorities.poolSize}, reserves ${pool.priorities.reserveNormal}`
        + ` normal, ${pool.priorities.reserveHigh} high`);
    }
    figure(figures, 'completed', count(pool.completed), 'pool-completed');
    figure(figures, 'rejected', count(pool.rejected));
    figure(figures, 'saturated', pool.saturated ? 'yes' : 'no', null, pool.saturated ? 'bad' : null);
    figure(figures, 'last check', pool.lastCheckLatency ? duration(pool.lastCheckLatency) : '–');
    figure(figures, 'poll delay', duration(pollDelay));
    if (pool.virtualThreads) {
      figure(figures, 'threads', 'virtual');
    }
    if (pool.growthFailure) {
      figure(figures, 'last resize', pool.growthFailure, null, 'bad');
    }
    if (writable) {
      const form = $('resize');
      if (!poolFormFilled) {
        form.elements.minSize.value = pool.minSize;
        form.elements.maxSize.value = pool.maxSize;
        poolFormFilled = true;
      }
      form.hidden = false;
    }
  }

  function gauge(id, value, max, text) {
    const element = $(`gauge-${id}`);
    const share = max > 0 && value >= 0 ? Math.min(1, value / max) : 0;
    element.querySelector('.gauge-fill').style.width = `${(share * 100).toFixed(1)}%`;
    element.querySelector('.gauge-value').textContent = text;
    element.classList.toggle('full', share >= 1);
  }

  function figure(list, label, value, id, tone) {
    const term = document.createElement('dt');
    term.textContent = label;
    const description = document.createElement('dd');
    description.textContent = value;
    if (id) {
      description.id = id;
    }
    if (tone) {
      description.classList.add(tone);
    }
    const group = document.createElement('div');
    group.append(term, description);
    list.append(group);
  }

  // ---- workers ----

  const FIELDS = ['worker', 'state', 'schedule', 'nextRun', 'lastRun', 'outcome', 'runs', 'failures', 'queue',
    'retries', 'deadLetters'];

  function renderWorkers(workers) {
    const body = $('workers').tBodies[0];
    const seen = new Set();
    for (const worker of workers) {
      seen.add(worker.name);
      let entry = workerRows.get(worker.name);
      if (!entry) {
        entry = newWorkerRow(worker.name);
        workerRows.set(worker.name, entry);
      }
      body.append(entry.row); // in the endpoint's order; moving a row keeps its buttons
      updateWorkerRow(entry, worker);
    }
    for (const [name, entry] of workerRows) {
      if (!seen.has(name)) {
        entry.row.remove();
        workerRows.delete(name);
      }
    }
  }

  function newWorkerRow(name) {
    const row = document.createElement('tr');
    row.dataset.worker = name;
    const cells = {};
    for (const field of FIELDS) {
      const cell = document.createElement(field === 'worker' ? 'th' : 'td');
      if (field === 'worker') {
        cell.scope = 'row';
      }
      cell.dataset.field = field;
      if (['runs', 'failures', 'queue', 'retries', 'deadLetters'].includes(field)) {
        cell.classList.add('number');
      }
      row.append(cell);
      cells[field] = cell;
    }
    if (writable) {
      cells.actions = document.createElement('td');
      cells.actions.dataset.field = 'actions';
      cells.actions.classList.add('actions');
      row.append(cells.actions);
    }
    return {row, cells, actions: null};
  }

  function updateWorkerRow(entry, worker) {
    const {cells} = entry;
    const queue = worker.kind === 'QUEUE';

    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = worker.name;
    const kind = document.createElement('span');
    kind.className = 'kind';
    kind.textContent = worker.kind.toLowerCase() + (worker.aloop ? ` on ${worker.aloop}` : '')
      + (worker.guard ? `, ${worker.guard}` : '');
    cells.worker.replaceChildren(name, kind);

    cells.state.replaceChildren();
    badge(cells.state.appendChild(document.createElement('span')), worker.state);
    if (worker.paused) {
      badge(cells.state.appendChild(document.createElement('span')), 'PAUSED');
    }

    cells.schedule.textContent = worker.schedule;
    time(cells.nextRun, worker.nextRun, '–', false);
    if (worker.misfires) {
      cells.nextRun.append(note(`${worker.misfires} misfire${worker.misfires === 1 ? '' : 's'}`));
    }

    if (worker.lastRunStarted) {
      time(cells.lastRun, worker.lastRunStarted, 'not yet', true);
      if (worker.lastRunDuration) {
        cells.lastRun.append(note(`took ${duration(worker.lastRunDuration)}`));
      }
    } else {
      cells.lastRun.textContent = 'not yet';
    }

    cells.outcome.replaceChildren();
    cells.outcome.title = '';
    if (worker.lastOutcome) {
      badge(cells.outcome.appendChild(document.createElement('span')), worker.lastOutcome);
    } else {
      cells.outcome.textContent = '–';
    }
    if (worker.failuresInARow > 0) {
      cells.outcome.append(note(`${worker.failuresInARow} in a row`));
    }
    if (worker.lastError) {
      const error = worker.lastError;
      cells.outcome.title = `last error at ${error.at}: ${error.type}${error.message ? ': ' + error.message : ''}`;
      cells.outcome.append(note(error.type.substring(error.type.lastIndexOf('.') + 1)));
    }
    if (worker.skipped > 0) {
      cells.outcome.append(note(`${count(worker.skipped)} skipped (lock held elsewhere)`));
    }

    cells.runs.textContent = count(worker.runs);
    cells.failures.textContent = count(worker.failures);
    cells.failures.classList.toggle('bad', worker.failures > 0);
    cells.queue.textContent = queue ? count(worker.queueSize) + (worker.capacity ? ` / ${count(worker.capacity)}` : '')
      : '–';
    cells.retries.textContent = queue ? count(worker.retries) : '–';
    if (queue && worker.retrying > 0) {
      cells.retries.append(note(`${count(worker.retrying)} waiting`));
    }
    cells.deadLetters.replaceChildren();
    if (!queue) {
      cells.deadLetters.textContent = '–';
    } else if (worker.deadLettersKept > 0) {
      const link = document.createElement('a');
      link.href = `${workerUrl(worker.name)}/dead-letters`;
      link.textContent = count(worker.deadLetters);
      link.title = `${count(worker.deadLettersKept)} kept: open them as JSON`;
      cells.deadLetters.append(link, note(`${count(worker.deadLettersKept)} kept`));
      cells.deadLetters.classList.add('bad');
    } else {
      cells.deadLetters.textContent = count(worker.deadLetters);
      cells.deadLetters.classList.remove('bad');
    }

    if (writable) {
      updateActions(entry, worker);
    }
  }

  /** What the endpoint would do for this worker now; what it refuses (a trigger of a stopped worker) is not offered. */
  function actionsOf(worker) {
    const active = worker.state === 'ACTIVE';
    const actions = [];
    if (active && (worker.kind === 'EVENT' || worker.kind === 'INTERVAL')) {
      actions.push('trigger');
    }
    if (active && worker.kind === 'QUEUE') {
      actions.push(worker.paused ? 'resume' : 'pause');
    }
    if (active) {
      actions.push('stop');
    } else if (worker.state === 'NEW' || worker.state === 'STOPPED') {
      actions.push('start');
    }
    return actions;
  }

  function updateActions(entry, worker) {
    const actions = actionsOf(worker);
    if (entry.actions !== null && entry.actions.join() === actions.join()) {
      return;
    }
    entry.actions = actions;
    entry.cells.actions.replaceChildren(...actions.map((action) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.action = action;
      button.textContent = action;
      button.setAttribute('aria-label', `${action} ${worker.name}`);
      button.addEventListener('click', async () => {
        button.disabled = true;
        await post(workerUrl(worker.name), {action}, `${action} ${worker.name}`);
        button.disabled = false;
      });
      return button;
    }));
  }

  function workerUrl(name) {
    return `${endpoint}/${encodeURIComponent(name)}`;
  }

  // ---- aloops ----

  function renderAloops(aloops) {
    $('aloops').tBodies[0].replaceChildren(...aloops.map((aloop) => {
      const row = document.createElement('tr');
      row.dataset.aloop = aloop.name;
      const name = document.createElement('th');
      name.scope = 'row';
      name.textContent = aloop.name;
      const traits = [aloop.default ? 'default' : '', aloop.daemon ? 'daemon' : ''].filter(Boolean).join(', ');
      if (traits) {
        name.append(note(traits));
      }
      const state = document.createElement('td');
      badge(state.appendChild(document.createElement('span')), aloop.state);
      const thread = document.createElement('td');
      thread.textContent = aloop.thread;
      const pending = document.createElement('td');
      pending.className = 'number';
      pending.textContent = count(aloop.pending);
      row.append(name, state, thread, pending);
      return row;
    }));
  }

  // ---- formatting ----

  function badge(element, text) {
    element.className = `badge badge-${String(text).toLowerCase()}`;
    element.textContent = String(text).toLowerCase();
  }

  function note(text) {
    const element = document.createElement('span');
    element.className = 'note';
    element.textContent = text;
    return element;
  }

  /** A count, or "n/a" for the -1 of what a replaced executor cannot tell. */
  function count(value) {
    return value === undefined || value === null || value < 0 ? 'n/a' : Number(value).toLocaleString('en');
  }

  /**
   * An instant as "3 s ago" or "in 2 min", with the instant itself on hover. A past one (past true) that reads
   * as a little ahead, the two clocks being a little apart, is "now".
   */
  function time(cell, iso, none, past) {
    cell.replaceChildren();
    if (!iso) {
      cell.textContent = none;
      return;
    }
    const element = document.createElement('time');
    element.dateTime = iso;
    const at = Date.parse(iso.replace(/(\.\d{3})\d+/, '$1'));
    if (Number.isNaN(at)) {
      element.textContent = iso;
    } else {
      element.title = new Date(at).toLocaleString();
      const seconds = Math.round((at - (Date.now() + clockOffset)) / 1000);
      element.textContent = seconds === 0 || (past && seconds > 0) ? 'now'
        : seconds > 0 ? `in ${span(seconds)}` : `${span(-seconds)} ago`;
    }
    cell.append(element);
  }

  function span(seconds) {
    if (seconds < 60) {
      return `${seconds} s`;
    }
    if (seconds < 3600) {
      return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
    }
    if (seconds < 86400) {
      return `${Math.floor(seconds / 3600)} h ${Math.floor(seconds % 3600 / 60)} min`;
    }
    return `${Math.floor(seconds / 86400)} d ${Math.floor(seconds % 86400 / 3600)} h`;
  }

  /** A java.time.Duration as the endpoint writes it (PT0.0012S, PT1M30S, PT2H) in a unit that reads well. */
  function duration(iso) {
    const parts = /^PT(?:(-?\d+)H)?(?:(-?\d+)M)?(?:(-?\d+(?:\.\d+)?)S)?$/.exec(iso || '');
    if (!parts) {
      return iso || '–';
    }
    const seconds = Number(parts[1] || 0) * 3600 + Number(parts[2] || 0) * 60 + Number(parts[3] || 0);
    if (seconds < 0.001) {
      return `${Math.round(seconds * 1e6)} µs`;
    }
    if (seconds < 1) {
      return `${decimals(seconds * 1000)} ms`;
    }
    if (seconds < 60) {
      return `${decimals(seconds)} s`;
    }
    return span(Math.round(seconds));
  }

  /** Three significant digits at most, without trailing zeros: 1.07, 20, 558. */
  function decimals(value) {
    return String(Number(value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)));
  }

  // ---- start ----

  $('endpoint-link').href = endpoint;
  const access = $('access');
  if (writable) {
    access.textContent = 'actions allowed';
    access.className = 'badge badge-writable';
    access.title = 'management.endpoint.supervisor.access is unrestricted: the buttons post to the endpoint';
    document.querySelector('#workers th.actions').hidden = false;
    $('resize').addEventListener('submit', async (event) => {
      event.preventDefault();
      const form = event.target;
      const button = form.querySelector('button');
      button.disabled = true;
      await post(endpoint, {minSize: Number(form.elements.minSize.value), maxSize: Number(form.elements.maxSize.value)},
        'resize the pool');
      poolFormFilled = false; // show the sizes the pool has now, whether the resize was taken or refused
      button.disabled = false;
    });
  } else {
    access.textContent = 'read-only';
    access.className = 'badge badge-read-only';
    access.title = 'No actions: set management.endpoint.supervisor.access=unrestricted to allow them';
  }
  refresh();
})();
