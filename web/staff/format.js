// How the console writes money, days, times and entries in the staff member's language, and
// the words of every refusal: the console's own checks (checks.js), amounts (amount.js) and
// the server's errors, each mapped to a label and falling back to the server's own words.

import { formatAmount, describeAmountError } from '../amount.js';
import { h } from '../views/dom.js';
import { t, has, lang, locale } from './i18n.js';
import { ApiError, NetworkError } from './api.js';

/** `minor` units (BigInt or digits) of `currency`, as the staff member reads money. */
export function money(minor, currency) {
  try {
    return formatAmount(typeof minor === 'bigint' ? minor : BigInt(String(minor)), currency, lang());
  } catch {
    return `${minor} ${currency}`;
  }
}

/** A YYYY-MM-DD day in the staff member's language (as it stands if it is not one). */
export function dayText(ymd) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd || '');
  if (!m) return ymd ?? '';
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

/** An RFC 3339 time in the staff member's language and time zone. */
export function timeText(rfc3339) {
  const d = new Date(rfc3339 || '');
  if (Number.isNaN(d.getTime())) return rfc3339 ?? '';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** A `<time>` element for an RFC 3339 time. */
export const timeEl = (rfc3339) => h('time', { datetime: rfc3339, title: rfc3339 }, timeText(rfc3339));

/** The label `<prefix>_<value>` (a kind, channel, reason, role) if there is one, else the value. */
export function label(prefix, value) {
  const k = `${prefix}_${String(value).replace('.', '_')}`;
  return has(k) ? t(k) : String(value);
}

/** A refusal `{ key, params }` of checks.js in words. */
export function checkText(refusal) {
  return t(refusal.key, refusal.params);
}

/** An amount refused by amount.js (an AmountError) in words. */
export function amountText(err) {
  return describeAmountError(err, t);
}

// The server's words for an `invalid_field` refusal, and the console's label for each.
const INVALID_FIELD = [
  [/must not be empty|is required/, 'check_empty'],
  [/longer than (\d+) characters|at most (\d+) characters/, 'check_too_long_server'],
  [/contains U\+([0-9A-F]{4,6}), which is a Unicode noncharacter/, 'check_hidden_noncharacter'],
  [/contains U\+([0-9A-F]{4,6}), which is an invisible direction control/, 'check_hidden_direction'],
  [/control characters/, 'check_control'],
  [/must be a day from (\S+) to (\S+)/, 'check_day_range'],
  [/must be a date written YYYY-MM-DD/, 'check_date'],
  [/is before the campaign opens/, 'check_ends_before_today'],
  [/must be 1-64 lower-case letters/, 'check_slug'],
];

/**
 * A server refusal (ApiError), a lost answer (NetworkError) or anything else, in the staff
 * member's words. An error code the console knows gets its label; an `invalid_field` gets the
 * label of the rule it names when the console recognises the rule; anything else shows the
 * server's own words after a translated lead.
 */
export function errorText(err) {
  if (err instanceof NetworkError) return t('err_network_lost');
  if (!(err instanceof ApiError)) return t('err_unexpected', { message: err && err.message ? err.message : String(err) });
  if (err.code === 'invalid_field' || err.code === 'bad_query') {
    for (const [re, key] of INVALID_FIELD) {
      const m = re.exec(err.message);
      if (m) {
        const digits = m.slice(1).find((x) => x !== undefined);
        return t(key, {
          max: digits ?? '', code: m[1] ? `U+${m[1]}` : '', from: m[1] ?? '', to: m[2] ?? '', today: '',
        });
      }
    }
    return t('err_server_words', { message: err.message });
  }
  const key = `api_${err.code}`;
  if (has(key)) {
    const text = t(key, { seconds: err.retryAfter ?? 1 });
    // These refusals carry particulars (why the server cannot record, which cell is bad).
    return err.code === 'unavailable' || err.code === 'invalid_statement' ? `${text} ${err.message}` : text;
  }
  return t('err_server_words', { message: err.message });
}
