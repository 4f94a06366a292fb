import { h } from './dom';

const BAND_LABELS: Record<string, string> = {
  almost_no_chance: 'almost no chance',
  very_unlikely: 'very unlikely',
  unlikely: 'unlikely',
  roughly_even_chance: 'roughly even chance',
  likely: 'likely',
  very_likely: 'very likely',
  almost_certain: 'almost certain',
};

const CREDIBILITY: Record<number, string> = {
  1: 'confirmed by independent sources',
  2: 'probably true',
  3: 'possibly true',
  4: 'doubtful',
  5: 'improbable',
  6: 'truth cannot be judged',
};

const RELIABILITY: Record<string, string> = {
  A: 'completely reliable',
  B: 'usually reliable',
  C: 'fairly reliable',
  D: 'not usually reliable',
  E: 'unreliable',
  F: 'reliability cannot be judged',
};

export const words = (code: string): string => code.replaceAll('_', ' ');
export const bandLabel = (band: string): string => BAND_LABELS[band] ?? words(band);
export const percent = (confidence: number): string => `${Math.round(confidence * 100)}%`;
export const credibilityLabel = (rating: number): string => `${rating} · ${CREDIBILITY[rating] ?? ''}`;
export const reliabilityLabel = (grade: string): string => `${grade} · ${RELIABILITY[grade] ?? ''}`;

/** A status as a badge: the word is always written out, the colour only repeats it. */
export const statusBadge = (status: string, prefix?: string): HTMLElement =>
  h('span', { class: `badge status-${status}` }, prefix ? h('span', { class: 'badge-prefix' }, `${prefix} `) : null, words(status));

export const workBadge = (state: string): HTMLElement => h('span', { class: `badge work-${state}` }, words(state));

export const bandBadge = (band: string, confidence?: number): HTMLElement =>
  h('span', { class: `badge band band-${band}` }, confidence === undefined ? bandLabel(band) : `${percent(confidence)} · ${bandLabel(band)}`);

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const date = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });
/** Instants in UTC, as the log records them. */
export const when = (iso: string | null | undefined): string => (iso ? `${dateTime.format(new Date(iso))} UTC` : '—');
export const day = (iso: string | null | undefined): string => (iso ? date.format(new Date(iso)) : '—');
export const time = (iso: string): HTMLTimeElement => h('time', { datetime: iso }, when(iso));
export const shortId = (id: string): string => id.slice(0, 8);
