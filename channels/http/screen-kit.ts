/**
 * The browser script the kiosk and the proxy console share (offline queue, read-aloud, error
 * summary), read once at start. Each channel serves it under its own path with its own caching, so
 * it falls under the same rules (and, on the kiosk, the same offline copy) as the script that uses it.
 */
import { readFileSync } from 'node:fs';

/** Where the shared script lives, for channels that read it like their own asset files. */
export const SCREEN_KIT_FILE = new URL('./assets/screen-kit.js', import.meta.url);

/** The bytes of the shared script. */
export function screenKitSource(): string {
  return readFileSync(SCREEN_KIT_FILE, 'utf8');
}
