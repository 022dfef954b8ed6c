// biome-ignore-all lint/performance/useDomNodeTextContent: read-aloud needs the text as rendered (hidden parts left out, line breaks kept).
/*
 * Community kiosk screens: read-aloud, the "still there?" reset, and an offline queue that every
 * form goes through. Plain script, no build step; the pages work as ordinary forms without it.
 */
(() => {
  const body = document.body;
  if (body.dataset.kiosk !== 'on') return;

  const main = document.getElementById('main');
  const title = document.getElementById('kiosk-title');
  const queueLine = document.getElementById('kiosk-queue');
  const readButton = document.getElementById('kiosk-read');
  const dialog = document.getElementById('kiosk-idle');
  const countdown = document.getElementById('kiosk-countdown');
  const moreButton = document.getElementById('kiosk-more');
  const csrfToken = body.dataset.csrf || '';
  const apiPath = body.dataset.api || '/kiosk/api/intakes';
  const homePath = body.dataset.home || '/kiosk';

  // ------------------------------------------------------------------ read-aloud

  const synth = 'speechSynthesis' in window ? window.speechSynthesis : null;
  const speechLang = body.dataset.speechLang || 'zh-CN';
  const speechRate = Number(body.dataset.speechRate) || 1;
  let reading = false;

  function setReading(on) {
    reading = on;
    if (readButton) readButton.textContent = on ? readButton.dataset.stop : readButton.dataset.read;
  }

  function voiceFor(lang) {
    const voices = synth.getVoices();
    const wanted = lang.toLowerCase();
    return (
      voices.find((v) => v.lang.toLowerCase().replace('_', '-') === wanted) ||
      voices.find((v) => v.lang.toLowerCase().startsWith(wanted.slice(0, 2)))
    );
  }

  /** Says `text` in the screen's language, interrupting whatever was being said. */
  function speak(text) {
    if (!synth) return;
    synth.cancel();
    // One utterance per line: long single utterances are cut off by some speech engines.
    const lines = String(text || '')
      .split(/\n+/)
      .map((line) => line.trim())
      .filter(Boolean);
    if (lines.length === 0) return setReading(false);
    const voice = voiceFor(speechLang);
    lines.forEach((line, index) => {
      const utterance = new SpeechSynthesisUtterance(line);
      utterance.lang = speechLang;
      utterance.rate = speechRate;
      if (voice) utterance.voice = voice;
      if (index === lines.length - 1) {
        utterance.onend = () => setReading(false);
        utterance.onerror = () => setReading(false);
      }
      synth.speak(utterance);
    });
    setReading(true);
  }

  function stopSpeaking() {
    if (synth) synth.cancel();
    setReading(false);
  }

  /** What is on screen now, as a person would read it: the dialog when it is open, else the page. */
  function screenText() {
    if (dialog?.open) return dialog.innerText;
    // innerText skips hidden elements; hiding the keypad for this one synchronous read causes no repaint.
    const skipped = [...main.querySelectorAll('[data-no-read]:not([hidden])')];
    for (const el of skipped) el.hidden = true;
    let text = main.innerText;
    for (const el of skipped) el.hidden = false;
    const chosen = main.querySelector('input[type=radio]:checked');
    if (chosen?.dataset.said) text += `\n${chosen.dataset.said}`;
    return text;
  }

  if (readButton && synth) {
    readButton.hidden = false;
    readButton.addEventListener('click', () => (reading ? stopSpeaking() : speak(screenText())));
  }
  window.addEventListener('pagehide', stopSpeaking);

  // ------------------------------------------------------------------ "still there?" and reset

  const idleMs = (Number(body.dataset.idleSeconds) || 90) * 1000;
  // Never less than 20 seconds to answer, whatever the page says (WCAG 2.2.1).
  const countdownFrom = Math.max(20, Number(body.dataset.countdownSeconds) || 30);
  let armed = body.dataset.pristine !== '1';
  let idleTimer = 0;
  let tickTimer = 0;
  let remaining = countdownFrom;

  function arm() {
    clearTimeout(idleTimer);
    if (armed && !dialog?.open) idleTimer = setTimeout(askStillThere, idleMs);
  }

  function askStillThere() {
    if (!dialog) return resetKiosk();
    remaining = countdownFrom;
    countdown.textContent = String(remaining);
    dialog.showModal();
    moreButton.focus();
    speak(dialog.innerText);
    tickTimer = setInterval(() => {
      remaining -= 1;
      countdown.textContent = String(Math.max(0, remaining));
      if (remaining <= 0) resetKiosk();
    }, 1000);
  }

  function moreTime() {
    clearInterval(tickTimer);
    if (dialog?.open) dialog.close();
    stopSpeaking();
    arm();
  }

  /** Leaves nothing of this person behind: speech, storage, form fields, language and text size. */
  function resetKiosk() {
    clearTimeout(idleTimer);
    clearInterval(tickTimer);
    stopSpeaking();
    try {
      sessionStorage.clear();
      localStorage.clear();
    } catch {
      // Storage may be disabled; there is then nothing in it to clear.
    }
    for (const form of document.forms) form.reset();
    // The offline queue (IndexedDB) is kept: it holds submissions already made, not a person's session.
    location.replace(homePath);
  }

  if (dialog) {
    moreButton.addEventListener('click', moreTime);
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      moreTime();
    });
  }
  for (const type of ['pointerdown', 'keydown', 'input']) {
    document.addEventListener(
      type,
      () => {
        armed = true;
        if (!dialog?.open) arm();
      },
      { capture: true, passive: true },
    );
  }
  document.addEventListener('click', (event) => {
    const link = event.target.closest?.('[data-reset]');
    if (!link) return;
    event.preventDefault();
    resetKiosk();
  });
  arm();

  // ------------------------------------------------------------------ offline queue (IndexedDB)

  const STORE = 'items';
  let dbPromise = null;

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open('kiosk-queue', 1);
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

  const putItem = (item) => withStore('readwrite', (store) => store.put(item));
  const deleteItem = (id) => withStore('readwrite', (store) => store.delete(id));
  const allItems = () =>
    withStore('readonly', (store) => store.getAll()).then((items) => items.sort((a, b) => a.seq - b.seq));

  /** Answers from the server by item id, for the confirmation screen. */
  const answers = new Map();
  let flushing = null;

  function send(item) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 15000);
    const { seq: _seq, ...payload } = item;
    return fetch(apiPath, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrfToken },
      body: JSON.stringify(payload),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: abort.signal,
    }).finally(() => clearTimeout(timer));
  }

  async function flushOnce() {
    let items = [];
    try {
      items = await allItems();
    } catch {
      return;
    }
    for (const item of items) {
      let response;
      try {
        response = await send(item);
      } catch {
        break; // no network: everything stays for the next attempt
      }
      if (response.ok) {
        answers.set(item.id, await response.json().catch(() => ({})));
        await deleteItem(item.id);
      } else if (response.status === 400) {
        // The server can never accept these exact bytes; keeping them would block the queue forever.
        answers.set(item.id, { rejected: true });
        await deleteItem(item.id);
      } else {
        break; // refused for now (device, rate limit, server trouble): keep and retry later
      }
    }
  }

  /** Sends what is waiting, one at a time, oldest first; an item leaves the queue only once accepted. */
  function flush() {
    flushing =
      flushing ||
      flushOnce().finally(() => {
        flushing = null;
        showQueue();
      });
    return flushing;
  }

  async function showQueue() {
    if (!queueLine) return;
    let count = 0;
    try {
      count = (await allItems()).length;
    } catch {
      count = 0;
    }
    queueLine.dataset.count = String(count);
    const template = count === 1 ? queueLine.dataset.one : queueLine.dataset.many;
    queueLine.textContent =
      count > 0 ? template.replace('#', String(count)) : navigator.onLine ? '' : queueLine.dataset.offline;
  }

  window.addEventListener('online', flush);
  window.addEventListener('offline', showQueue);
  setInterval(flush, 20000);
  flush();

  // ------------------------------------------------------------------ forms

  function newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function problems(form, values) {
    const d = form.dataset;
    const found = [];
    if (d.kioskForm === 'opinion') {
      if (!values.stance) found.push(['stance', d.msgStance]);
      if (values.stance === 'suggestion' && !values.text) found.push(['text', d.msgSuggestion]);
      else if (values.text.length > Number(d.max)) found.push(['text', d.msgLong]);
    } else {
      if (!values.text) found.push(['text', d.msgNeed]);
      else if (values.text.length > Number(d.max)) found.push(['text', d.msgLong]);
      if (values.where.length > Number(d.whereMax)) found.push(['where', d.msgWhereLong]);
    }
    return found;
  }

  const titlePrefix = body.dataset.titlePrefix || '';
  const baseTitle =
    titlePrefix && document.title.startsWith(titlePrefix)
      ? document.title.slice(titlePrefix.length)
      : document.title;

  function clearProblems() {
    for (const el of document.querySelectorAll('.k-error-summary, .k-field-error')) el.remove();
    for (const el of document.querySelectorAll('.k-invalid')) el.classList.remove('k-invalid');
    for (const el of document.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    document.title = baseTitle;
  }

  function showProblems(form, found) {
    const d = form.dataset;
    const summary = document.createElement('div');
    summary.className = 'k-error-summary';
    summary.setAttribute('role', 'alert');
    summary.setAttribute('aria-labelledby', 'k-error-summary-title');
    summary.tabIndex = -1;
    const heading = document.createElement('h2');
    heading.id = 'k-error-summary-title';
    heading.textContent = d.msgSummary;
    const list = document.createElement('ul');
    for (const [field, message] of found) {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = `#field-${field}`;
      link.textContent = message;
      item.append(link);
      list.append(item);

      const control = document.getElementById(`field-${field}`);
      const wrapper = control?.closest('.k-field, .k-fieldset');
      if (!wrapper) continue;
      wrapper.classList.add('k-invalid');
      const note = document.createElement('p');
      note.className = 'k-field-error';
      note.id = `field-${field}-error`;
      const prefix = document.createElement('span');
      prefix.className = 'visually-hidden';
      prefix.textContent = d.fieldPrefix;
      note.append(prefix, message);
      const anchor = wrapper.querySelector('legend') || wrapper.querySelector('.k-hint');
      if (anchor) anchor.after(note);
      else wrapper.prepend(note);
      const described = wrapper.matches('fieldset') ? wrapper : control;
      const ids = (described.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
      if (!ids.includes(note.id)) ids.push(note.id);
      described.setAttribute('aria-describedby', ids.join(' '));
      if (control.type !== 'radio') control.setAttribute('aria-invalid', 'true');
    }
    summary.append(heading, list);
    main.insertBefore(summary, title);
    document.title = `${titlePrefix}${baseTitle}`;
    summary.focus();
    speak(summary.innerText);
  }

  function showDone(item, answer) {
    const screen = document.getElementById('kiosk-screen');
    const done = document.getElementById('kiosk-done');
    if (!screen || !done) return;
    const sent = Boolean(answer && !answer.rejected);
    const message = document.getElementById('kiosk-done-message');
    const queued = document.getElementById('kiosk-done-queued');
    message.textContent = sent ? answer.message || '' : '';
    message.hidden = !sent;
    queued.hidden = sent || Boolean(answer?.rejected);
    const yours = [item.text, item.where].filter(Boolean).join('\n');
    document.getElementById('kiosk-done-text').textContent = yours;
    document.getElementById('kiosk-done-yours').hidden = yours === '';
    title.textContent = done.dataset.title;
    document.title = `${done.dataset.title} – ${baseTitle.split(' – ').pop()}`;
    screen.hidden = true;
    done.hidden = false;
    title.focus();
    speak([done.dataset.title, sent ? message.textContent : queued.textContent].join('\n'));
  }

  async function onSubmit(event) {
    const form = event.currentTarget;
    event.preventDefault();
    if (form.dataset.busy === '1') return;
    const data = new FormData(form);
    const values = {
      stance: String(data.get('stance') || ''),
      text: String(data.get('text') || '').trim(),
      where: String(data.get('where') || '').trim(),
    };
    clearProblems();
    const found = problems(form, values);
    if (found.length > 0) return showProblems(form, found);

    form.dataset.busy = '1';
    const item = {
      id: newId(),
      kind: form.dataset.kioskForm,
      lang: document.documentElement.lang,
      at: new Date().toISOString(),
      seq: Date.now(),
      text: values.text,
    };
    if (item.kind === 'opinion') {
      item.topic = form.dataset.topic;
      item.stance = values.stance;
    } else {
      item.where = values.where;
    }
    try {
      await putItem(item);
    } catch {
      // No IndexedDB on this device: send the form the plain way (its receipt makes a repeat harmless).
      form.submit();
      return;
    }
    await flush();
    if (!answers.has(item.id) && navigator.onLine) await flush();
    form.reset();
    showDone(item, answers.get(item.id));
  }

  for (const form of document.querySelectorAll('form[data-kiosk-form]')) {
    form.addEventListener('submit', onSubmit);
  }

  // Error-summary links move focus to the field, not just the scroll position.
  main.addEventListener('click', (event) => {
    const link = event.target.closest?.('.k-error-summary a[href^="#"]');
    if (!link) return;
    const target = document.getElementById(link.getAttribute('href').slice(1));
    if (!target) return;
    event.preventDefault();
    target.focus();
  });

  // Spoken confirmation of each choice and key press.
  for (const radio of document.querySelectorAll('input[type=radio][data-said]')) {
    radio.addEventListener('change', () => speak(radio.dataset.said));
  }
  for (const pad of document.querySelectorAll('.k-keypad')) {
    const input = document.getElementById(pad.dataset.for);
    if (!input) continue;
    pad.hidden = false;
    pad.addEventListener('click', (event) => {
      const key = event.target.closest('button');
      if (!key) return;
      if (key.dataset.key) {
        input.value += key.dataset.key;
        speak(key.dataset.key);
      } else if (key.dataset.action === 'delete') {
        input.value = input.value.slice(0, -1);
        speak(pad.dataset.deleted);
      } else if (key.dataset.action === 'clear') {
        input.value = '';
        speak(pad.dataset.cleared);
      }
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
  }

  // Server-rendered problems (a form sent without script) are read out too.
  const serverSummary = document.querySelector('.k-error-summary');
  if (serverSummary) speak(serverSummary.innerText);

  // ------------------------------------------------------------------ offline pages

  if ('serviceWorker' in navigator && window.isSecureContext && body.dataset.sw) {
    navigator.serviceWorker
      .register(body.dataset.sw, { scope: '/kiosk' })
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        const urls = [...document.querySelectorAll('a[href^="/kiosk"]')].map((a) => a.getAttribute('href'));
        urls.push(location.pathname + location.search, homePath);
        registration.active?.postMessage({ type: 'warm', urls: [...new Set(urls)] });
      })
      .catch(() => {
        // Without a service worker the screens still work online; only offline navigation is lost.
      });
  }
})();
