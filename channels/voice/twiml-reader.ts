/**
 * Reads voice TwiML the way Twilio does: as XML, element by element. Tests use it to assert what a
 * caller would hear and what Twilio would do next (which question, which URL, which voice). Test-only.
 */

export interface TwimlElement {
  name: string;
  attrs: Record<string, string>;
  children: TwimlNode[];
}
export interface TwimlText {
  name: '#text';
  text: string;
}
export type TwimlNode = TwimlElement | TwimlText;

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X'))
      return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return XML_ENTITIES[name] ?? '';
  });
}

const TOKEN =
  /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<\/([A-Za-z][\w:.-]*)\s*>|<([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*"[^"]*")*)\s*(\/?)>|([^<]+)|(<)/g;
const ATTR = /([\w:.-]+)\s*=\s*"([^"]*)"/g;

/** Parses a TwiML document; throws on anything that is not well-formed XML with a <Response> root. */
export function parseTwiml(xml: string): TwimlElement {
  const root: TwimlElement = { name: '#document', attrs: {}, children: [] };
  const stack: TwimlElement[] = [root];
  for (const m of xml.matchAll(TOKEN)) {
    const [, close, open, attrText, selfClose, text, stray] = m;
    const top = stack[stack.length - 1];
    if (!top) throw new Error('TwiML: unbalanced document');
    if (stray) throw new Error(`TwiML: stray "<" at ${m.index}`);
    if (close) {
      if (top.name !== close) throw new Error(`TwiML: </${close}> closes <${top.name}>`);
      stack.pop();
    } else if (open) {
      const attrs: Record<string, string> = {};
      for (const a of (attrText ?? '').matchAll(ATTR)) attrs[a[1] ?? ''] = decodeEntities(a[2] ?? '');
      const element: TwimlElement = { name: open, attrs, children: [] };
      top.children.push(element);
      if (!selfClose) stack.push(element);
    } else if (text !== undefined) {
      if (top === root) {
        if (text.trim()) throw new Error('TwiML: text outside the root element');
      } else {
        top.children.push({ name: '#text', text: decodeEntities(text) });
      }
    }
  }
  if (stack.length !== 1) throw new Error(`TwiML: <${stack[stack.length - 1]?.name}> is never closed`);
  const elements = root.children.filter(isElement);
  const response = elements[0];
  if (elements.length !== 1 || !response || response.name !== 'Response') {
    throw new Error('TwiML: the root element must be a single <Response>');
  }
  return response;
}

export function isElement(node: TwimlNode): node is TwimlElement {
  return 'children' in node;
}

/** All text inside a node, in order. */
export function textOf(node: TwimlNode): string {
  return isElement(node) ? node.children.map(textOf).join('') : node.text;
}

/** Every element named `name` at any depth, in document order. */
export function findAll(node: TwimlElement, name: string): TwimlElement[] {
  const found: TwimlElement[] = [];
  for (const child of node.children) {
    if (!isElement(child)) continue;
    if (child.name === name) found.push(child);
    found.push(...findAll(child, name));
  }
  return found;
}

export interface SpokenLine {
  text: string;
  voice: string | undefined;
  language: string | undefined;
  /** Slower speech: the words are wrapped in SSML <prosody rate>. */
  rate: string | undefined;
}

/** What a voice response does, read the way a test wants to assert it. */
export class VoiceTwiml {
  readonly root: TwimlElement;
  constructor(readonly xml: string) {
    this.root = parseTwiml(xml);
  }

  /** Every <Say>, in the order the caller hears them. */
  get lines(): SpokenLine[] {
    return findAll(this.root, 'Say').map((say) => {
      const prosody = findAll(say, 'prosody')[0];
      return {
        text: textOf(say).trim(),
        voice: say.attrs.voice,
        language: say.attrs.language,
        rate: prosody?.attrs.rate,
      };
    });
  }

  /** Everything said, joined: for `toContain` assertions. */
  get spoken(): string {
    return this.lines.map((l) => l.text).join(' ');
  }

  /** The verbs directly under <Response>, in order (Say, Gather, Record, Dial, Redirect, Hangup…). */
  get verbs(): string[] {
    return this.root.children.filter(isElement).map((e) => e.name);
  }

  get gather(): TwimlElement | undefined {
    return findAll(this.root, 'Gather')[0];
  }

  get record(): TwimlElement | undefined {
    return findAll(this.root, 'Record')[0];
  }

  get dial(): TwimlElement | undefined {
    return findAll(this.root, 'Dial')[0];
  }

  /** The URL of the top-level <Redirect>, if any. */
  get redirect(): string | undefined {
    const redirect = this.root.children.filter(isElement).find((e) => e.name === 'Redirect');
    return redirect ? textOf(redirect).trim() : undefined;
  }

  get hangsUp(): boolean {
    return findAll(this.root, 'Hangup').length > 0;
  }
}
