// biome-ignore-all lint/performance/useDomNodeTextContent: read-aloud needs the text as rendered (hidden parts left out, line breaks kept).
/*
 * Community kiosk screens: read-aloud, the "still there?" reset, and an offline queue that every
 * form goes through. Plain script, no build step, run after the shared screen-kit.js; the pages work
 * as ordinary forms without either.
 */
(() => {
  const body = document.body;
  const kit = window.screenKit;
  if (body.dataset.kiosk !== 'on' || !kit) return;

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

  const synth = kit.synth;
  const speechLang = body.dataset.speechLang || 'zh-CN';
  const speechRate = Number(body.dataset.speechRate) || 1;
  let reading = false;

  function setReading(on) {
    reading = on;
    if (readButton) readButton.textContent = on ? readButton.dataset.stop : readButton.dataset.read;
  }

  /** Says `text` in the screen's language, interrupting whatever was being said. */
  function speak(text) {
    if (!synth) return;
    setReading(kit.say(text, speechLang, speechRate, () => setReading(false)));
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

  async function showQueue() {
    if (!queueLine) return;
    const count = (await queue.items()).length;
    queueLine.dataset.count = String(count);
    queueLine.textContent =
      count > 0
        ? kit.countText(count, queueLine.dataset.one, queueLine.dataset.many)
        : navigator.onLine
          ? ''
          : queueLine.dataset.offline;
  }

  // A submission the server can never take (400) is dropped: resending the same bytes cannot help.
  const queue = kit.createQueue({
    database: 'kiosk-queue',
    api: apiPath,
    csrf: csrfToken,
    timeoutMs: 15000,
    refused: [400],
    onChange: showQueue,
  });
  queue.start();

  // ------------------------------------------------------------------ forms

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
  const baseTitle = kit.titleWithout(titlePrefix);

  function clearProblems() {
    for (const el of document.querySelectorAll('.k-error-summary, .k-field-error')) el.remove();
    for (const el of document.querySelectorAll('.k-invalid')) el.classList.remove('k-invalid');
    for (const el of document.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    document.title = baseTitle;
  }

  function showProblems(form, found) {
    const d = form.dataset;
    const summary = kit.errorSummary({
      className: 'k-error-summary',
      titleId: 'k-error-summary-title',
      heading: d.msgSummary,
      found,
      href: (field) => `#field-${field}`,
    });
    for (const [field, message] of found) {
      const control = document.getElementById(`field-${field}`);
      const wrapper = control?.closest('.k-field, .k-fieldset');
      if (!wrapper) continue;
      wrapper.classList.add('k-invalid');
      const note = kit.fieldError({
        wrapper,
        tag: 'p',
        className: 'k-field-error',
        id: `field-${field}-error`,
        prefix: d.fieldPrefix,
        message,
        after: ['legend', '.k-hint'],
        orFirst: true,
      });
      const described = wrapper.matches('fieldset') ? wrapper : control;
      const ids = (described.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
      if (!ids.includes(note.id)) ids.push(note.id);
      described.setAttribute('aria-describedby', ids.join(' '));
      if (control.type !== 'radio') control.setAttribute('aria-invalid', 'true');
    }
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
      id: kit.newId(),
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
    // Without IndexedDB the form goes the plain way, and its receipt makes a repeat harmless.
    if (!(await queue.enqueue(item, form))) return;
    if (!queue.answers.has(item.id) && navigator.onLine) await queue.flush();
    form.reset();
    showDone(item, queue.answers.get(item.id));
  }

  for (const form of document.querySelectorAll('form[data-kiosk-form]')) {
    form.addEventListener('submit', onSubmit);
  }

  kit.focusFromSummaryLinks(main, '.k-error-summary a[href^="#"]');

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
