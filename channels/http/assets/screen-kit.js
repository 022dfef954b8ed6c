/*
 * What the kiosk and the proxy console share in the browser: the offline queue (IndexedDB, ids made
 * on the device, sent oldest first and stored once by the server), reading lines aloud, and the error
 * summary their own checks show. Plain script, no build step. It only defines `window.screenKit`;
 * each channel's script, loaded after it, decides what is queued, what is said and how it is shown.
 */
(() => {
  /** A random (version 4) UUID, also on browsers that lack crypto.randomUUID. */
  function newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // ------------------------------------------------------------------ offline queue (IndexedDB)

  /**
   * A queue of submissions kept in the IndexedDB database `options.database` until the server at
   * `options.api` accepts them. Items carry `id` (made here, the server's idempotency key) and `seq`
   * (their order); `seq`, `state` and `problem` stay on the device and are never sent.
   *
   * - `timeoutMs`: how long one post may take before it counts as no network.
   * - `refused`: statuses with which the server can never accept these exact bytes. Such an item is
   *   dropped, or with `keepRefused` kept as `state: 'rejected'` with the server's message as
   *   `problem`, for a person to see and dismiss.
   * - `onChange`: called after every flush and when the browser goes offline, to show the queue.
   */
  function createQueue(options) {
    const STORE = 'items';
    const refused = options.refused || [400];
    /** Answers from the server by item id, for the screen that follows a submission. */
    const answers = new Map();
    const onChange = options.onChange || (() => {});
    let dbPromise = null;
    let flushing = null;
    let needsSignIn = false;

    function openDb() {
      return new Promise((resolve, reject) => {
        const request = indexedDB.open(options.database, 1);
        request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'id' });
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }

    function withStore(mode, action) {
      dbPromise = dbPromise || openDb();
      return dbPromise.then(
        (db) =>
          new Promise((resolve, reject) => {
            const tx = db.transaction(STORE, mode);
            const request = action(tx.objectStore(STORE));
            tx.oncomplete = () => resolve(request.result);
            tx.onerror = () => reject(tx.error);
            tx.onabort = () => reject(tx.error);
          }),
      );
    }

    const put = (item) => withStore('readwrite', (store) => store.put(item));
    const remove = (id) => withStore('readwrite', (store) => store.delete(id));
    const all = () =>
      withStore('readonly', (store) => store.getAll()).then((items) => items.sort((a, b) => a.seq - b.seq));

    /** Everything queued, oldest first; none where the device keeps no IndexedDB. */
    const items = () => all().catch(() => []);

    function send(item) {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), options.timeoutMs);
      const { seq: _seq, state: _state, problem: _problem, ...payload } = item;
      return fetch(options.api, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'x-csrf-token': options.csrf || '',
        },
        body: JSON.stringify(payload),
        credentials: 'same-origin',
        cache: 'no-store',
        signal: abort.signal,
      }).finally(() => clearTimeout(timer));
    }

    async function refuse(item, response) {
      if (!options.keepRefused) {
        // Keeping bytes the server can never take would block the queue forever.
        answers.set(item.id, { rejected: true });
        await remove(item.id);
        return;
      }
      const body = await response.json().catch(() => ({}));
      item.state = 'rejected';
      item.problem = body.error?.message || '';
      answers.set(item.id, { rejected: true, message: item.problem });
      await put(item);
    }

    async function flushOnce() {
      if (!options.api) return;
      let queued = [];
      try {
        queued = await all();
      } catch {
        return;
      }
      needsSignIn = false;
      for (const item of queued) {
        if (item.state === 'rejected') continue;
        let response;
        try {
          response = await send(item);
        } catch {
          break; // no network: everything stays for the next attempt
        }
        if (response.ok) {
          answers.set(item.id, await response.json().catch(() => ({})));
          await remove(item.id);
        } else if (refused.includes(response.status)) {
          await refuse(item, response);
        } else if (response.status === 401 || response.status === 403) {
          needsSignIn = true;
          break; // signed out or switched off meanwhile: sent once allowed again
        } else {
          break; // refused for now (rate limit, server trouble): keep and retry later
        }
      }
    }

    /** Sends what is waiting, one at a time, oldest first; an item leaves the queue only once settled. */
    function flush() {
      flushing =
        flushing ||
        flushOnce().finally(() => {
          flushing = null;
          onChange();
        });
      return flushing;
    }

    /**
     * Queues `item` and tries to send it at once. Where nothing can be stored (no IndexedDB) the form
     * is sent the plain way instead, and false is returned: the page is being replaced.
     */
    async function enqueue(item, form) {
      try {
        await put(item);
      } catch {
        form.submit();
        return false;
      }
      await flush();
      return true;
    }

    /** Sends again whenever the connection returns, and every 20 seconds in case it came back unnoticed. */
    function start() {
      window.addEventListener('online', flush);
      window.addEventListener('offline', onChange);
      setInterval(flush, 20000);
      flush();
    }

    return { answers, items, remove, enqueue, flush, start, needsSignIn: () => needsSignIn };
  }

  /** A "# waiting" line: `one` or `many` with the count in place of "#". */
  function countText(count, one, many) {
    return ((count === 1 ? one : many) || '#').replace('#', String(count));
  }

  // ------------------------------------------------------------------ read aloud

  const synth = 'speechSynthesis' in window ? window.speechSynthesis : null;

  function voiceFor(lang) {
    const voices = synth.getVoices();
    const wanted = lang.toLowerCase();
    return (
      voices.find((v) => v.lang.toLowerCase().replace('_', '-') === wanted) ||
      voices.find((v) => v.lang.toLowerCase().startsWith(wanted.slice(0, 2)))
    );
  }

  /**
   * Says `text` in `lang`, interrupting whatever was being said; `onEnd` runs when the last line is
   * done or fails. False when there was nothing to say. Only where `synth` is not null.
   */
  function say(text, lang, rate, onEnd) {
    synth.cancel();
    // One utterance per line: long single utterances are cut off by some speech engines.
    const lines = String(text || '')
      .split(/\n+/)
      .map((line) => line.trim())
      .filter(Boolean);
    if (lines.length === 0) return false;
    const voice = voiceFor(lang);
    lines.forEach((line, index) => {
      const utterance = new SpeechSynthesisUtterance(line);
      utterance.lang = lang;
      utterance.rate = rate;
      if (voice) utterance.voice = voice;
      if (index === lines.length - 1) {
        utterance.onend = onEnd;
        utterance.onerror = onEnd;
      }
      synth.speak(utterance);
    });
    return true;
  }

  // ------------------------------------------------------------------ problems found before sending

  /** The page's title without the "Error: " prefix the server puts there when a form comes back. */
  function titleWithout(prefix) {
    return prefix && document.title.startsWith(prefix) ? document.title.slice(prefix.length) : document.title;
  }

  /**
   * An error summary like the server's: a focusable alert titled `heading`, linking each problem in
   * `found` ([field, message] pairs) to `href(field)`. `mark` is set on it, so it can be found again.
   */
  function errorSummary({ className, titleId, heading, found, href, mark }) {
    const summary = document.createElement('div');
    summary.className = className;
    Object.assign(summary.dataset, mark);
    summary.setAttribute('role', 'alert');
    summary.setAttribute('aria-labelledby', titleId);
    summary.tabIndex = -1;
    const title = document.createElement('h2');
    title.id = titleId;
    title.textContent = heading;
    const list = document.createElement('ul');
    for (const [field, message] of found) {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = href(field);
      link.textContent = message;
      item.append(link);
      list.append(item);
    }
    summary.append(title, list);
    return summary;
  }

  /**
   * The message beside one field, put after the first of `after` (selectors, in order) found in
   * `wrapper`, or with `orFirst` first in it; `prefix` is the "Error:" screen readers say before it.
   */
  function fieldError({ wrapper, tag, className, id, mark, prefix, message, after, orFirst }) {
    const note = document.createElement(tag);
    note.className = className;
    if (id) note.id = id;
    Object.assign(note.dataset, mark);
    const hidden = document.createElement('span');
    hidden.className = 'visually-hidden';
    hidden.textContent = prefix;
    note.append(hidden, message);
    const anchor = after.map((selector) => wrapper.querySelector(selector)).find(Boolean);
    if (anchor) anchor.after(note);
    else if (orFirst) wrapper.prepend(note);
    return note;
  }

  /** Error-summary links (under `root`, matching `selector`) move focus to the field, not just the scroll position. */
  function focusFromSummaryLinks(root, selector) {
    root.addEventListener('click', (event) => {
      const link = event.target.closest?.(selector);
      if (!link) return;
      const target = document.getElementById(link.getAttribute('href').slice(1));
      if (!target) return;
      event.preventDefault();
      target.focus();
    });
  }

  window.screenKit = {
    newId,
    createQueue,
    countText,
    synth,
    say,
    titleWithout,
    errorSummary,
    fieldError,
    focusFromSummaryLinks,
  };
})();
