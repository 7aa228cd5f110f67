// Bank statements reconciled with the ledger (SPEC.md §16.3), written again from the spec (it
// shares no code with the Rust core's reconcile module): the published lines checked against
// the statement's root and file hash, the chain of each account's statements (gaps, overlaps,
// openings), the sum of the lines, and every line matched by exactly one entry naming it or by
// a fitting exclusion. Every finding is reported with its statement, line and day: a stable
// `code` (the Rust core's `kind`) with its `params`, which the page says in its language, and
// `text`, the Rust verifier's English words.

import { decodeUtf8, toHex, utf8 } from './bytes.js';
import { sha256Sync } from './sha256.js';
import { leafHashSync, CompactTree } from './merkle.js';
import { decodeStatementLine } from './entry.js';

/** Parses a published file of lines (SPEC.md §16.2); throws an Error naming the line. */
export function decodeStatementLines(bytes) {
  if (bytes.length === 0) return [];
  if (bytes[bytes.length - 1] !== 0x0a) throw new Error('the file of lines must end with a newline');
  const text = decodeUtf8(bytes.subarray(0, bytes.length - 1));
  return text.split('\n').map((t, i) => {
    try {
      return { text: t, line: decodeStatementLine(t) };
    } catch (e) {
      throw new Error(`line ${i + 1}: ${e.message}`);
    }
  });
}

/** The Merkle root (hex) over the lines' leaf hashes, in order. */
export function statementLinesRoot(texts) {
  const tree = new CompactTree();
  for (const t of texts) tree.push(leafHashSync(utf8(t)));
  return toHex(tree.rootSync());
}

const FITS = { interest: (credit) => credit, fee: (credit) => !credit };
const sameAccount = (a, b) => a.bank === b.bank && a.number === b.number && a.holder === b.holder;

function shift(day, by) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + by);
  return d.toISOString().slice(0, 10);
}

/** Collects what reconciliation needs from the decoded entries, then reconciles. */
export class Reconciler {
  constructor() {
    this.accounts = [];
    this.statements = [];
    this.named = new Map();
    this.reversed = new Set();
  }

  /** Takes note of the next decoded entry (call it for every entry, in order). */
  observe(entry) {
    const b = entry.body;
    const name = (credit) => {
      if (b.reference === undefined) return;
      if (!this.named.has(b.reference)) this.named.set(b.reference, []);
      this.named.get(b.reference).push({ seq: Number(entry.seq), amount: BigInt(b.amount), credit });
    };
    switch (entry.kind) {
      case 'donation': name(true); break;
      case 'disbursement': case 'transfer': name(false); break;
      case 'reversal': this.reversed.add(Number(b.reverses)); break;
      case 'campaign.open':
        for (const a of b.accounts) this.accounts.push({ account: a, currency: b.currency });
        break;
      case 'statement': this.statements.push({ seq: Number(entry.seq), s: b }); break;
      default: break;
    }
  }

  /**
   * Reconciles every account. `linesOf(statement)` gives the published file's bytes, or null.
   * Returns {accounts: [{account, currency, statements, reconciled_through, bank_balance,
   * ledger_balance, lines, findings, excluded}]}, findings and exclusions as sentences.
   */
  finish(linesOf) {
    const groups = [];
    for (const st of this.statements) {
      let g = groups.find((x) => sameAccount(x.account, st.s.account) && x.currency === st.s.currency);
      if (!g) {
        g = { account: st.s.account, currency: st.s.currency, list: [] };
        groups.push(g);
      }
      g.list.push(st);
    }
    return {
      accounts: groups.map((g) => {
        g.list.sort((a, b) => (a.s.from < b.s.from ? -1 : a.s.from > b.s.from ? 1 : a.seq - b.seq));
        return this.account(g, linesOf);
      }),
    };
  }

  account(g, linesOf) {
    const listed = this.accounts.some((x) => sameAccount(x.account, g.account) && x.currency === g.currency);
    const findings = [];
    const excluded = [];
    let reconciledThrough = null;
    let clean = true;
    let ledger = g.list.length ? BigInt(g.list[0].s.opening) : 0n;
    let checked = 0;
    let latest = null;
    for (const cur of g.list) {
      const before = findings.length;
      const { seq, s } = cur;
      const at = (date, code, params, text) => findings.push({
        statement: seq, line: null, date, code, params, text: `statement ${seq} (${date}): ${text}`,
      });
      if (!listed) at(s.from, 'unknown_account', {}, 'no campaign lists this account in this currency');
      if (latest) {
        const p = latest.s;
        const after = shift(p.to, 1);
        if (s.from <= p.to) {
          const to = s.to < p.to ? s.to : p.to;
          at(s.from, 'overlap', { other: latest.seq, from: s.from, to }, `covers ${s.from} to ${to}, which statement ${latest.seq} covers too (an overlap)`);
        } else if (s.from !== after) {
          const to = shift(s.from, -1);
          at(after, 'gap', { from: after, to }, `no statement covers ${after} to ${to} (a gap)`);
        } else if (s.opening !== p.closing) {
          at(s.from, 'opening_mismatch', { previous: latest.seq, previous_closing: p.closing, opening: s.opening },
            `opens at ${s.opening}, but statement ${latest.seq} closed at ${p.closing}`);
        }
      }
      const outcome = this.statement(seq, s, linesOf(s), findings, excluded);
      ledger += outcome.explained;
      checked += outcome.lines;
      clean = clean && findings.length === before;
      if (clean) reconciledThrough = s.to;
      if (!latest || s.to > latest.s.to) latest = cur;
    }
    return {
      account: g.account,
      currency: g.currency,
      statements: g.list.map((x) => x.seq),
      reconciled_through: reconciledThrough,
      bank_balance: latest ? BigInt(latest.s.closing) : 0n,
      ledger_balance: ledger,
      lines: checked,
      findings,
      excluded,
    };
  }

  statement(seq, s, file, findings, excluded) {
    const whole = (code, params, text) => findings.push({
      statement: seq, line: null, date: s.from, code, params, text: `statement ${seq} (${s.from}): ${text}`,
    });
    const nothing = { explained: 0n, lines: 0 };
    if (!file) {
      whole('lines_unavailable', {}, 'its published lines are not available');
      return nothing;
    }
    let lines;
    try {
      lines = decodeStatementLines(file);
    } catch (e) {
      whole('lines_malformed', { problem: e.message }, `its published lines are malformed: ${e.message}`);
      return nothing;
    }
    if (BigInt(lines.length) !== BigInt(s.lines) || statementLinesRoot(lines.map((l) => l.text)) !== s.lines_root
      || toHex(sha256Sync(file)) !== s.lines_sha256) {
      whole('lines_tampered', { published: lines.length, committed: s.lines },
        `the published lines (${lines.length}) are not the ${s.lines} lines the ledger committed to (root differs)`);
      return nothing;
    }
    const sum = lines.reduce((acc, l) => acc + BigInt(l.line.amount), 0n);
    if (BigInt(s.opening) + sum !== BigInt(s.closing)) {
      whole('sum_mismatch', { opening: s.opening, lines_sum: sum, closing: s.closing },
        `opening ${s.opening} plus the lines (${sum}) is not the closing balance ${s.closing}`);
    }
    let explained = 0n;
    lines.forEach(({ line }, i) => {
      explained += this.line(seq, s, i + 1, line, findings, excluded);
    });
    return { explained, lines: lines.length };
  }

  line(seq, s, number, l, findings, excluded) {
    const found = (code, params, text) => findings.push({
      statement: seq, line: number, date: l.date, code, params, text: `statement ${seq} line ${number} (${l.date}): ${text}`,
    });
    if (l.date < s.from || l.date > s.to) found('outside_period', {}, 'the line is booked outside the period');
    const amount = BigInt(l.amount);
    const credit = amount > 0n;
    const naming = (this.named.get(l.id) ?? []).filter((n) => !this.reversed.has(n.seq));
    for (const n of naming.filter((x) => x.credit !== credit)) {
      found('wrong_direction', { id: l.id, entry: n.seq }, `${l.id} moves money the other way than entry ${n.seq}, which names it`);
    }
    const fitting = naming.filter((x) => x.credit === credit);
    const x = s.exclusions.find((e) => Number(e.line) === number);
    if (x) {
      if (!(FITS[x.reason] ?? (() => true))(credit)) {
        found('exclusion_does_not_fit', { reason: x.reason }, `excluded as ${x.reason}, which cannot explain a line in this direction`);
      }
      if (fitting.length) {
        const entries = fitting.map((n) => n.seq).join(', ');
        found('excluded_but_named', { id: l.id, entries }, `${l.id} is excluded but entries ${entries} name it too`);
      }
      excluded.push({
        statement: seq, line: number, date: l.date, id: l.id, amount, reason: x.reason,
        text: `statement ${seq} line ${number} (${l.date}): ${l.amount} (${l.id}) explained as ${x.reason}`,
      });
      return amount;
    }
    const signed = (n) => (credit ? n.amount : -n.amount);
    if (fitting.length === 0) {
      const params = { id: l.id, amount: l.amount };
      if (credit) found('unmatched_credit', params, `credit ${l.amount} (${l.id}) is in the statement but no donation names it`);
      else found('unmatched_debit', params, `debit ${l.amount} (${l.id}) is in the statement but no disbursement or transfer names it`);
      return 0n;
    }
    if (fitting.length === 1) {
      const [one] = fitting;
      if (signed(one) !== amount) {
        found('amount_mismatch', { id: l.id, entry: one.seq, line_amount: l.amount, entry_amount: one.amount },
          `${l.id} moves ${l.amount}, but entry ${one.seq} records ${one.amount}`);
      }
      return signed(one);
    }
    const entries = fitting.map((n) => n.seq).join(', ');
    found('named_more_than_once', { id: l.id, count: fitting.length, entries }, `${l.id} is named by ${fitting.length} entries (${entries}): a duplicate`);
    return signed(fitting[0]);
  }
}
