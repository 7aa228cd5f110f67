// How the page writes numbers, money, times, dates, the ledger's kinds and states, and errors,
// in the visitor's language (i18n.js). Money is formatted from its integer minor units
// (amount.js, through verify.js), never through floating point.

import { VerifyError, formatMoney } from '../verify.js';
import { t, locale, has } from '../i18n.js';
import { h } from './dom.js';
import { HttpError } from './server.js';

/** `units` minor units of `currency` as the visitor reads money; the raw form if it cannot be. */
export function money(units, currency) {
  try {
    return formatMoney(units, currency, locale());
  } catch {
    return `${units} ${currency}`;
  }
}

/** An integer (Number, BigInt or digits) with the visitor's grouping. */
export function integer(n) {
  try {
    return new Intl.NumberFormat(locale()).format(typeof n === 'bigint' ? n : BigInt(n));
  } catch {
    return String(n);
  }
}

/** The first 16 hex digits of a hash and an ellipsis. */
export function shortHash(hex) {
  return typeof hex === 'string' && hex.length > 16 ? `${hex.slice(0, 16)}…` : String(hex);
}

/** A `<time>` element for a `recorded_at` (UTC), shown in the visitor's time zone. */
export function timeEl(recordedAt) {
  if (!recordedAt) return h('span', {}, t('never'));
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,3})?\d*Z$/.exec(recordedAt);
  let shown = recordedAt;
  if (m) {
    const d = new Date(`${m[1]}${m[2] ?? ''}Z`);
    if (!Number.isNaN(d.getTime())) {
      shown = new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
    }
  }
  return h('time', { datetime: recordedAt, title: `${recordedAt} (UTC)` }, shown);
}

/** A YYYY-MM-DD date in the visitor's language (as it stands if it is not one). */
export function dateText(ymd) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd || '');
  if (!m) return ymd;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

/** The name of an entry kind in the visitor's language. */
export function kindLabel(kind) {
  const k = `kind_${String(kind).replace('.', '_')}`;
  return has(k) ? t(k) : String(kind);
}

/** The label `<prefix>_<value>` (a status, a channel, a reason) if there is one, else the value. */
export function label(prefix, value) {
  const k = `${prefix}_${value}`;
  return has(k) ? t(k) : String(value);
}

/**
 * An error in words, in the visitor's language: what the verifier found (by its code, with the
 * entry when it names one), or that the network or something else failed. The verifier's own
 * English message is never used here: callers put it behind a "Technical details" fold.
 */
export function describe(err) {
  if (err instanceof VerifyError) {
    const params = {
      seq: err.seq, prev: err.seq - 1, field: err.field ?? '', size: err.prefixSize ?? '',
    };
    if (err.seq !== undefined) return has(`err_${err.code}`) ? t(`err_${err.code}`, params) : t('err_entry_other', params);
    if (has(`err0_${err.code}`)) return t(`err0_${err.code}`, params);
    if (has(`err_${err.code}`) && !t(`err_${err.code}`).includes('{seq}')) return t(`err_${err.code}`, params);
    return t('err_other');
  }
  if (err instanceof HttpError || (err && err.name === 'TypeError')) return t('err_network');
  return t('err_other');
}

/** The donor's published name; the ledger's "Anonymous" in the visitor's language. */
export function donorName(donor) {
  return donor === 'Anonymous' ? t('anonymous') : String(donor ?? '');
}
