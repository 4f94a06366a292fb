/**
 * Element builders. Text always goes in as text nodes (textContent): API data (statements, quotes, comments)
 * is never parsed as HTML. Attributes are set one by one; nothing here writes a `style` attribute (the
 * CSP has no 'unsafe-inline'): presentation is in classes.
 */
export type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined | EventListener>;

const append = (parent: Node, children: Child[]) => {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
};

const applyAttributes = (element: Element, attributes: Attributes) => {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
};

/** An HTML element: `h('a', { href: '#/queue', class: 'nav' }, 'Queue')`; `on…` attributes are listeners. */
export const h = <K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] => {
  const element = document.createElement(tag);
  applyAttributes(element, attributes);
  append(element, children);
  return element;
};

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element, same shape as `h`. */
export const s = <K extends keyof SVGElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): SVGElementTagNameMap[K] => {
  const element = document.createElementNS(SVG_NS, tag);
  applyAttributes(element, attributes);
  append(element, children);
  return element;
};

/** Replaces an element's content. */
export const replace = (parent: Element, ...children: Child[]): void => {
  parent.replaceChildren();
  append(parent, children);
};

/** Tells screen readers (and the browser test) what just happened. */
export const announce = (message: string): void => {
  const announcer = document.getElementById('announcer');
  if (announcer) announcer.textContent = message;
};

let idCounter = 0;
/** A unique element id, for label/aria wiring. */
export const uid = (prefix: string): string => `${prefix}-${++idCounter}`;
