// Budgets and categories (SPEC.md §18), written from the spec apart from the Rust core: the
// field rules of a `budget` body, and Budgets, the rules that keep each campaign's budget
// history honest. A revision names the budget in force; a line already paid against stays,
// unrenamed, planned at least at what was paid; a payment names a line of the budget in force.
// Errors are PlanErrors (state.js's InvariantError), which verifier.js names with the entry's
// number. Amounts are BigInt.

import { rules } from './fields.js';
import { InvariantError } from './state.js';

/** The fixed categories with the IATI sector code suggested for each, when one exists. */
export const CATEGORIES = Object.freeze({
  food: '72040',
  water: '14030',
  shelter: '72010',
  health: '72011',
  education: '72012',
  cash: null,
  logistics: '72050',
  reconstruction: '73010',
  administration: '91010',
  other: null,
});

/** Whether `c` is a fixed category or a custom one (`x-` and a slug, at most 64 bytes). */
export function isCategory(c) {
  if (Object.hasOwn(CATEGORIES, c)) return true;
  return typeof c === 'string' && c.length <= 64 && /^x-[a-z0-9][a-z0-9-]*$/.test(c);
}

/** The field rules of a `budget` body (SPEC.md §18.1), in the spec's order. */
export function validateBudget(b) {
  rules.slug('campaign', b.campaign);
  if (b.lines.length === 0) throw new rules.FieldError('lines', 'a budget needs at least one line');
  if (b.lines.length > 200) throw new rules.FieldError('lines', 'at most 200 lines');
  const seen = new Set();
  for (const l of b.lines) {
    rules.slug('lines.id', l.id);
    if (seen.has(l.id)) throw new rules.FieldError('lines.id', `line "${l.id}" is listed twice`);
    seen.add(l.id);
    rules.short('lines.label', l.label);
    if (!isCategory(l.category)) {
      throw new rules.FieldError('lines.category', 'must be food, water, shelter, health, education, cash, logistics, reconstruction, administration, other, or x- and a custom name');
    }
    if (l.sector !== undefined && !/^[0-9]{5}$/.test(l.sector)) {
      throw new rules.FieldError('lines.sector', 'must be an IATI sector code of 5 digits, such as 72040');
    }
  }
  rules.optLong('note', b.note);
}

const q = (s) => JSON.stringify(s);

/** One campaign's budget in force and what was paid against each of its lines. */
class Book {
  constructor() {
    this.inForce = null; // {seq, lines}
    this.entries = 0;
    this.paid = new Map(); // line id -> BigInt
    this.payments = new Map(); // disbursement seq -> {line, amount}
  }

  paidAgainst(id) {
    return this.paid.get(id) ?? 0n;
  }

  /** Each line of the budget in force with `paid`, in the budget's order. */
  lines() {
    return (this.inForce?.lines ?? []).map((line) => ({ line, paid: this.paidAgainst(line.id) }));
  }
}

/** Every campaign's budget book; check() throws the first broken rule, apply() folds an entry in. */
export class Budgets {
  constructor() {
    this.books = new Map(); // campaign -> Book
    this.paidFrom = new Map(); // disbursement seq -> campaign
  }

  book(campaign) {
    return this.books.get(campaign) ?? new Book();
  }

  check(entry) {
    const b = entry.body;
    if (entry.kind === 'budget') checkBudget(this.book(b.campaign), b);
    if (entry.kind === 'disbursement' && b.budget_line !== undefined) checkPayment(this.book(b.campaign), b.campaign, b.budget_line);
  }

  apply(entry) {
    this.check(entry);
    const b = entry.body;
    if (entry.kind === 'budget') {
      if (!this.books.has(b.campaign)) this.books.set(b.campaign, new Book());
      const book = this.books.get(b.campaign);
      book.inForce = { seq: entry.seq, lines: b.lines };
      book.entries += 1;
    } else if (entry.kind === 'disbursement' && b.budget_line !== undefined) {
      const book = this.books.get(b.campaign);
      const amount = BigInt(b.amount);
      book.paid.set(b.budget_line, book.paidAgainst(b.budget_line) + amount);
      book.payments.set(entry.seq, { line: b.budget_line, amount });
      this.paidFrom.set(entry.seq, b.campaign);
    } else if (entry.kind === 'reversal') {
      const campaign = this.paidFrom.get(b.reverses);
      if (campaign === undefined) return;
      this.paidFrom.delete(b.reverses);
      const book = this.books.get(campaign);
      const p = book.payments.get(b.reverses);
      book.payments.delete(b.reverses);
      book.paid.set(p.line, book.paidAgainst(p.line) - p.amount);
    }
  }
}

function checkBudget(book, b) {
  const campaign = b.campaign;
  if (book.inForce === null) {
    if (b.revises !== undefined) {
      throw new InvariantError('nothing_to_revise', `campaign ${q(campaign)} has no budget to revise; its first budget leaves \`revises\` out`, { field: 'revises' });
    }
    return;
  }
  const inForce = book.inForce.seq;
  if (b.revises === undefined) {
    throw new InvariantError('revision_unnamed', `campaign ${q(campaign)} already has a budget (entry ${inForce}); a revision names it in \`revises\``, { field: 'revises' });
  }
  if (BigInt(b.revises) !== BigInt(inForce)) {
    throw new InvariantError('not_the_budget_in_force', `revises entry ${b.revises}, but campaign ${q(campaign)}'s budget in force is entry ${inForce}`, { field: 'revises' });
  }
  for (const old of book.inForce.lines) {
    const paid = book.paidAgainst(old.id);
    if (paid === 0n) continue;
    const now = b.lines.find((l) => l.id === old.id);
    if (!now) {
      throw new InvariantError('paid_line_dropped', `line ${q(old.id)} has ${paid} minor units paid against it, so a revision must keep it`, { field: 'lines' });
    }
    if (now.label !== old.label || now.category !== old.category || now.sector !== old.sector) {
      throw new InvariantError('paid_line_renamed', `line ${q(old.id)} has ${paid} minor units paid against it, so its label, category and sector cannot change`, { field: 'lines.label' });
    }
    if (BigInt(now.amount) < paid) {
      throw new InvariantError('planned_below_paid', `line ${q(old.id)} plans ${now.amount} minor units, below the ${paid} already paid against it`, { field: 'lines.amount' });
    }
  }
}

function checkPayment(book, campaign, line) {
  if (book.inForce === null) {
    throw new InvariantError('no_budget', `campaign ${q(campaign)} has no budget, so budget_line ${q(line)} names nothing`, { field: 'budget_line' });
  }
  if (!book.inForce.lines.some((l) => l.id === line)) {
    throw new InvariantError('unknown_budget_line', `budget line ${q(line)} is not in campaign ${q(campaign)}'s budget in force (entry ${book.inForce.seq})`, { field: 'budget_line' });
  }
}
