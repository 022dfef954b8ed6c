/*
 * Proxy console: reads the read-back aloud in the resident's language, lets the resident sign on the
 * screen, and keeps records made without signal on the phone until they are delivered, exactly once
 * (each carries an id made here, which the server stores once). Plain script, no build step, run
 * after the shared screen-kit.js; every page works as ordinary forms without either.
 */
(() => {
  const kit = window.screenKit;
  if (!kit) return;
  const config = document.getElementById('proxy-config');
  const cfg = config ? config.dataset : {};

  // ------------------------------------------------------------------ read aloud

  const synth = kit.synth;
  const speechLang = cfg.speechLang || document.documentElement.lang || 'zh-CN';
  let speakingButton = null;

  function setSpeaking(button) {
    if (speakingButton && speakingButton !== button)
      speakingButton.textContent = cfg.msgRead || speakingButton.textContent;
    speakingButton = button;
    if (button) button.textContent = cfg.msgStop || button.textContent;
  }

  /** Says the text line by line in the resident's language, interrupting anything said before. */
  function speak(text, button) {
    if (!synth) return;
    const saying = kit.say(text, speechLang, 0.9, () => {
      if (speakingButton === button) setSpeaking(null);
      if (button) button.textContent = cfg.msgRead || button.textContent;
    });
    setSpeaking(saying ? button || null : null);
  }

  function stopSpeaking() {
    if (synth) synth.cancel();
    if (speakingButton) speakingButton.textContent = cfg.msgRead || speakingButton.textContent;
    speakingButton = null;
  }

  function readButton(button, source) {
    if (!button || !synth) return;
    button.hidden = false;
    button.addEventListener('click', () => {
      if (speakingButton === button) return stopSpeaking();
      speak(source().textContent, button);
    });
  }

  readButton(document.getElementById('proxy-read-aloud'), () =>
    document.getElementById('proxy-readback-text'),
  );
  for (const button of document.querySelectorAll('[data-read-aloud]')) {
    readButton(button, () => button.closest('li').querySelector('[data-read-source]'));
  }
  window.addEventListener('pagehide', stopSpeaking);

  // ------------------------------------------------------------------ signature pad

  for (const pad of document.querySelectorAll('[data-signature-pad]')) {
    const wrapper = pad.closest('.signature');
    const input = wrapper.querySelector('input[name=consentSignature]');
    const surface = pad.querySelector('[data-signature-surface]');
    const path = surface.querySelector('path');
    const state = pad.querySelector('.signature-state');
    const note = wrapper.querySelector('[data-no-script-note]');
    if (note) note.hidden = true;
    pad.hidden = false;
    let d = input.value || '';
    let drawing = false;
    let last = null;
    const box = surface.viewBox.baseVal;

    function show() {
      path.setAttribute('d', d);
      input.value = d;
      state.textContent = d ? state.dataset.signed : state.dataset.empty;
    }
    function point(event) {
      const r = surface.getBoundingClientRect();
      const x = Math.round(((event.clientX - r.left) / r.width) * box.width);
      const y = Math.round(((event.clientY - r.top) / r.height) * box.height);
      return [Math.max(0, Math.min(box.width, x)), Math.max(0, Math.min(box.height, y))];
    }
    surface.addEventListener('pointerdown', (event) => {
      event.preventDefault();
      surface.setPointerCapture(event.pointerId);
      drawing = true;
      last = point(event);
      d += `${d ? ' ' : ''}M${last[0]} ${last[1]}`;
      show();
    });
    surface.addEventListener('pointermove', (event) => {
      if (!drawing) return;
      const p = point(event);
      if (Math.abs(p[0] - last[0]) + Math.abs(p[1] - last[1]) < 4) return;
      last = p;
      d += ` L${p[0]} ${p[1]}`;
      show();
    });
    const stop = () => {
      drawing = false;
    };
    surface.addEventListener('pointerup', stop);
    surface.addEventListener('pointercancel', stop);
    pad.querySelector('[data-signature-clear]').addEventListener('click', () => {
      d = '';
      show();
    });
    show();
  }

  // ------------------------------------------------------------------ offline queue (IndexedDB)

  const apiPath = cfg.api;
  // Refusals the same words can never overcome stay on the phone, visibly, for the proxy to redo.
  const queue = kit.createQueue({
    database: 'proxy-queue',
    api: apiPath,
    csrf: cfg.csrf,
    timeoutMs: 20000,
    refused: [400, 404, 409, 413],
    keepRefused: true,
    onChange: showPending,
  });

  const pending = document.getElementById('proxy-pending');

  async function showPending() {
    if (!pending) return;
    const items = await queue.items();
    const list = pending.querySelector('ul');
    list.replaceChildren();
    const waiting = items.filter((i) => i.state === 'waiting').length;
    pending.dataset.count = String(waiting);
    pending.hidden = items.length === 0;
    if (waiting) {
      const line = document.createElement('li');
      const count = kit.countText(waiting, cfg.msgWaitingOne, cfg.msgWaitingMany);
      line.textContent = `${count}${queue.needsSignIn() ? `\n${cfg.msgSignin || ''}` : navigator.onLine ? '' : `\n${cfg.msgOffline || ''}`}`;
      line.className = 'waiting-count';
      list.append(line);
    }
    for (const item of items) {
      const li = document.createElement('li');
      const text = document.createElement('span');
      text.textContent = item.readBackText;
      li.append(text);
      if (item.state === 'rejected') {
        const why = document.createElement('span');
        why.className = 'rejected';
        why.textContent = `\n${cfg.msgRejected || ''} ${item.problem || ''}`;
        li.append(why);
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'secondary';
        remove.textContent = cfg.msgRemove || '×';
        remove.addEventListener('click', async () => {
          await queue.remove(item.id);
          showPending();
        });
        li.append(document.createElement('br'), remove);
      }
      list.append(li);
    }
  }

  if (apiPath && 'indexedDB' in window) queue.start();

  // ------------------------------------------------------------------ record forms and the read-back

  const main = document.getElementById('proxy-visit-main');
  const readback = document.getElementById('proxy-readback');
  const status = document.getElementById('proxy-status');
  const titlePrefix = cfg.titlePrefix || '';
  const baseTitle = kit.titleWithout(titlePrefix);

  function valuesOf(form) {
    const data = new FormData(form);
    const get = (name) => String(data.get(name) || '').trim();
    return {
      kind: form.dataset.kind,
      topic: get('topic'),
      choice: get('choice'),
      survey: get('survey'),
      question: get('question'),
      text: get('text'),
      place: get('place'),
      correctsId: get('correctsId'),
      correctionNote: get('correctionNote'),
    };
  }

  /** The same checks the server makes first, so a record made offline is right before it waits. */
  function problems(form, v) {
    const m = form.dataset;
    const found = [];
    const max = Number(m.msgMax);
    if (v.kind === 'opinion' || v.kind === 'vote') {
      if (!v.topic) found.push(['topic', m.msgTopic]);
      if (!v.choice) found.push(['choice', v.kind === 'opinion' ? m.msgStance : m.msgVote]);
      if (v.kind === 'opinion' && v.choice === 'suggestion' && !v.text) found.push(['text', m.msgSuggestion]);
    } else if (v.kind === 'need') {
      if (!v.text) found.push(['text', m.msgNeed]);
      if (v.place.length > Number(m.msgPlaceMax)) found.push(['place', m.msgPlaceLong]);
    } else if (!v.choice && !v.text) {
      found.push([form.querySelector('textarea[name=text]') ? 'text' : 'choice', m.msgAnswer]);
    }
    if (v.text.length > max) found.push(['text', m.msgLong]);
    return found;
  }

  /** Mirrors the server's read-back composition line for line (src/proxy/read-back.ts). */
  function compose(form, v) {
    const all = JSON.parse(form.dataset.readback || '{}');
    const templates = all[v.kind === 'opinion' || v.kind === 'vote' ? v.topic : ''];
    if (!templates) return undefined;
    const line = templates.lines[v.choice || ''];
    if (line === undefined) return undefined;
    const out = [];
    if (templates.prefix) out.push(templates.prefix);
    out.push(line);
    if (templates.text && v.text) out.push(templates.text.split('{text}').join(v.text));
    if (templates.place && v.place) out.push(templates.place.split('{place}').join(v.place));
    return out.join('\n');
  }

  function clearProblems() {
    for (const el of document.querySelectorAll('.error-summary[data-client], .field-error[data-client]'))
      el.remove();
    for (const el of document.querySelectorAll('.field-invalid[data-client-invalid]')) {
      el.classList.remove('field-invalid');
      el.removeAttribute('data-client-invalid');
    }
    document.title = baseTitle;
  }

  function showProblems(form, found) {
    const formId = form.dataset.proxyForm;
    const summary = kit.errorSummary({
      className: 'error-summary',
      mark: { client: '1' },
      titleId: 'client-error-summary-title',
      heading: cfg.msgSummary || '',
      found,
      href: (field) => `#field-${formId}-${field}`,
    });
    for (const [field, message] of found) {
      const wrapper = form.querySelector(`[data-field="${formId}-${field}"]`);
      if (!wrapper) continue;
      wrapper.classList.add('field-invalid');
      wrapper.dataset.clientInvalid = '1';
      kit.fieldError({
        wrapper,
        tag: 'span',
        className: 'field-error',
        mark: { client: '1' },
        prefix: cfg.msgErrorPrefix || '',
        message,
        after: ['legend', 'label'],
      });
    }
    main.prepend(summary);
    document.title = `${titlePrefix}${baseTitle}`;
    summary.focus();
  }

  let current = null;

  function openReadBack(form, values, text) {
    current = { form, values, text };
    document.getElementById('proxy-readback-text').textContent = text;
    const box = document.getElementById('field-readBackConfirmed');
    box.checked = false;
    for (const el of readback.querySelectorAll('.field-error')) el.remove();
    readback.querySelector('#proxy-readback-field').classList.remove('field-invalid');
    main.hidden = true;
    readback.hidden = false;
    document.getElementById('proxy-readback-title').focus();
    speak(text, document.getElementById('proxy-read-aloud'));
  }

  function closeReadBack() {
    stopSpeaking();
    readback.hidden = true;
    main.hidden = false;
    current = null;
  }

  async function submitCurrent() {
    if (!current) return;
    const box = document.getElementById('field-readBackConfirmed');
    const field = readback.querySelector('#proxy-readback-field');
    for (const el of field.querySelectorAll('.field-error')) el.remove();
    if (!box.checked) {
      field.classList.add('field-invalid');
      const note = document.createElement('span');
      note.className = 'field-error';
      note.setAttribute('role', 'alert');
      note.textContent = cfg.msgConfirmRequired || '';
      field.prepend(note);
      box.focus();
      return;
    }
    const { form, values, text } = current;
    const now = new Date().toISOString();
    const item = {
      id: kit.newId(),
      seq: Date.now(),
      state: 'waiting',
      visitId: cfg.visit,
      kind: values.kind,
      readBackText: text,
      readBackConfirmed: true,
      readBackAt: now,
      at: now,
    };
    for (const key of [
      'topic',
      'choice',
      'survey',
      'question',
      'text',
      'place',
      'correctsId',
      'correctionNote',
    ]) {
      if (values[key]) item[key] = values[key];
    }
    // Without IndexedDB the ordinary form goes instead, and the server shows the read-back page.
    if (!(await queue.enqueue(item, form))) return;
    const answer = queue.answers.get(item.id);
    closeReadBack();
    form.reset();
    const words =
      answer && !answer.rejected
        ? answer.message || cfg.msgSent
        : answer
          ? `${cfg.msgRejected} ${answer.message || ''}`
          : cfg.msgQueued;
    status.textContent = `${words}\n${text}`;
    if (answer && !answer.rejected && values.correctsId) {
      location.assign('/proxy/visit');
      return;
    }
    status.scrollIntoView({ block: 'nearest' });
  }

  if (main && readback && apiPath) {
    for (const form of document.querySelectorAll('form[data-proxy-form]')) {
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        clearProblems();
        const values = valuesOf(form);
        const found = problems(form, values);
        if (found.length) return showProblems(form, found);
        const text = compose(form, values);
        if (!text) return form.submit();
        openReadBack(form, values, text);
      });
    }
    document.getElementById('proxy-readback-submit').addEventListener('click', submitCurrent);
    document.getElementById('proxy-readback-back').addEventListener('click', () => {
      const form = current?.form;
      closeReadBack();
      const first = form?.querySelector('select, input:not([type=hidden]), textarea');
      if (first) first.focus();
    });
  }

  kit.focusFromSummaryLinks(document, '.error-summary a[href^="#"]');
})();
