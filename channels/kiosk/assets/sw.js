/*
 * Keeps the kiosk's screens available when the network drops: pages and assets are fetched from the
 * network first and the last good copy is kept, so the screen can still be navigated (and reset for
 * the next person) offline. Submissions are not touched here: the page's own queue sends them.
 */
const CACHE = 'kiosk-pages-v1';
const ASSETS = ['/kiosk/assets/kiosk.css', '/kiosk/assets/screen-kit.js', '/kiosk/assets/kiosk.js'];
const HOME = '/kiosk';

function cacheable(url) {
  return (
    url.origin === self.location.origin &&
    (url.pathname === HOME || url.pathname.startsWith(`${HOME}/`)) &&
    !url.pathname.startsWith('/kiosk/api/') &&
    !url.pathname.startsWith('/kiosk/activate') &&
    url.pathname !== '/kiosk/sw.js'
  );
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(ASSETS))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    // Only complete, successful answers are kept: never a refusal (a switched-off device) or a redirect.
    if (response.ok && response.type === 'basic') await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const copy =
      (await cache.match(request)) || (request.mode === 'navigate' ? await cache.match(HOME) : undefined);
    if (copy) return copy;
    throw error;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !cacheable(new URL(request.url))) return;
  event.respondWith(networkFirst(request));
});

async function warm(urls) {
  const cache = await caches.open(CACHE);
  for (const href of urls.slice(0, 60)) {
    const url = new URL(href, self.location.origin);
    if (!cacheable(url) || (await cache.match(url.href))) continue;
    try {
      const response = await fetch(url.href, { credentials: 'same-origin' });
      if (response.ok && response.type === 'basic') await cache.put(url.href, response);
    } catch {
      return; // offline: try again next time a page asks
    }
  }
}

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'warm' && Array.isArray(event.data.urls)) {
    event.waitUntil(warm(event.data.urls));
  }
});
