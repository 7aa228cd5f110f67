// The ledger's state as entries are applied in order, with every invariant of SPEC.md §7:
// the chain (seq, prev, time order), campaigns that exist and are open, one currency per
// campaign, no balance below zero, reversals of reversible entries only and only once. An entry
// that breaks one changes nothing. Errors are InvariantErrors, which verifier.js names with the
// entry's number. The approval rules of SPEC.md §17 are in approval.js.

import { checkPayment, ruleOf } from './approval.js';

const ZERO_HEX = '0'.repeat(64);

function emptyTotals() {
  return {
    donated: 0n, disbursed: 0n, transferred_in: 0n, transferred_out: 0n, reversed: 0n, reversed_transfers: 0n, balance: 0n, donations: 0, disbursements: 0,
  };
}

/** A broken invariant: `code` names it (SPEC.md §7); `campaign` or `target` says where. */
export class InvariantError extends Error {
  constructor(code, message, extra = {}) {
    super(message);
    this.code = code;
    Object.assign(this, extra);
  }
}

/** Campaigns, their running totals and what reversals may undo, after the entries applied so far. */
export class LedgerState {
  constructor() {
    this.size = 0;
    this.lastHash = ZERO_HEX;
    this.lastRecordedAt = '';
    this.campaigns = []; // {id, title, currency, goal: BigInt|undefined, closed, totals}
    this.index = new Map();
    this.moves = new Map(); // seq -> {kind, campaign, to, amount, reversed}
    this.ledgerRules = new Map(); // currency -> {approvers, threshold: BigInt, since}
  }

  checkApproval(i, amount, currency, approval) {
    const campaignRule = this.campaigns[i].approval ?? null;
    const ledgerRule = this.ledgerRules.get(currency) ?? null;
    checkPayment(campaignRule, ledgerRule, amount, currency, approval, (code, message) => new InvariantError(code, message));
  }

  campaign(id) {
    const i = this.index.get(id);
    return i === undefined ? undefined : this.campaigns[i];
  }

  idx(id) {
    const i = this.index.get(id);
    if (i === undefined) throw new InvariantError('unknown_campaign', `campaign ${JSON.stringify(id)} does not exist`, { campaign: id });
    return i;
  }

  openCampaign(id, currency, forMoneyIn) {
    const i = this.idx(id);
    const c = this.campaigns[i];
    if (c.currency !== currency) {
      throw new InvariantError('currency_mismatch', `currency ${currency} does not match campaign ${JSON.stringify(id)}'s currency ${c.currency}`, { campaign: id });
    }
    if (c.closed && forMoneyIn) throw new InvariantError('campaign_closed', `campaign ${JSON.stringify(id)} is closed`, { campaign: id });
    return i;
  }

  take(i, t, amount) {
    if (t.balance < amount) {
      const c = this.campaigns[i];
      throw new InvariantError('insufficient_balance', `campaign ${JSON.stringify(c.id)} holds ${t.balance} minor units of ${c.currency}, ${amount} needed`, { campaign: c.id });
    }
    return t.balance - amount;
  }

  // One switch over the kinds, in the order of SPEC.md §7, so it can be read against the spec
  // rule by rule (and against the Rust core's state module); split by kind, the checks every
  // kind shares would be scattered. Hence its length.
  /** Checks the entry (already decoded) as the next one, then applies it. Nothing changes on error. */
  apply(entry, leafHashHex) {
    if (entry.seq !== this.size) {
      throw new InvariantError('wrong_seq', `seq is ${entry.seq}, expected ${this.size}`);
    }
    if (entry.prev !== this.lastHash) {
      throw new InvariantError('broken_link', `prev does not match the leaf hash of entry ${this.size - 1}`);
    }
    if (entry.recorded_at < this.lastRecordedAt) {
      throw new InvariantError('time_went_back', `recorded_at ${entry.recorded_at} is earlier than the previous entry's ${this.lastRecordedAt}`);
    }
    const b = entry.body;
    const seq = this.size;
    let commit;
    switch (entry.kind) {
      case 'campaign.open': {
        if (this.index.has(b.id)) throw new InvariantError('campaign_exists', `campaign ${JSON.stringify(b.id)} already exists`, { campaign: b.id });
        commit = () => {
          this.index.set(b.id, this.campaigns.length);
          this.campaigns.push({
            id: b.id, title: b.title, currency: b.currency, goal: b.goal === undefined ? undefined : BigInt(b.goal), closed: false, totals: emptyTotals(),
            approval: b.approval ? ruleOf(b.approval.approvers, b.approval.threshold, seq) : null,
          });
        };
        break;
      }
      case 'campaign.close': {
        const i = this.idx(b.campaign);
        if (this.campaigns[i].closed) throw new InvariantError('campaign_closed', `campaign ${JSON.stringify(b.campaign)} is closed`, { campaign: b.campaign });
        commit = () => {
          this.campaigns[i].closed = true;
        };
        break;
      }
      case 'donation': {
        const i = this.openCampaign(b.campaign, b.currency, true);
        const amount = BigInt(b.amount);
        const t = { ...this.campaigns[i].totals };
        t.donated += amount;
        t.balance += amount;
        t.donations += 1;
        commit = () => {
          this.campaigns[i].totals = t;
          this.moves.set(seq, { kind: 'donation', campaign: i, to: i, amount, reversed: false });
        };
        break;
      }
      case 'disbursement': {
        const i = this.openCampaign(b.campaign, b.currency, true);
        const amount = BigInt(b.amount);
        this.checkApproval(i, amount, b.currency, b.approval);
        const t = { ...this.campaigns[i].totals };
        t.balance = this.take(i, t, amount);
        t.disbursed += amount;
        t.disbursements += 1;
        commit = () => {
          this.campaigns[i].totals = t;
          this.moves.set(seq, { kind: 'disbursement', campaign: i, to: i, amount, reversed: false });
        };
        break;
      }
      case 'transfer': {
        const from = this.openCampaign(b.from, b.currency, false);
        const to = this.openCampaign(b.to, b.currency, true);
        const amount = BigInt(b.amount);
        this.checkApproval(from, amount, b.currency, b.approval);
        const a = { ...this.campaigns[from].totals };
        const c = { ...this.campaigns[to].totals };
        a.balance = this.take(from, a, amount);
        a.transferred_out += amount;
        c.transferred_in += amount;
        c.balance += amount;
        commit = () => {
          this.campaigns[from].totals = a;
          this.campaigns[to].totals = c;
          this.moves.set(seq, { kind: 'transfer', campaign: from, to, amount, reversed: false });
        };
        break;
      }
      case 'reversal': {
        const target = b.reverses;
        if (typeof target !== 'number' || target >= this.size) {
          throw new InvariantError('unknown_entry', `entry ${target} does not exist`, { target });
        }
        const m = this.moves.get(target);
        if (!m) {
          throw new InvariantError('not_reversible', `entry ${target} cannot be reversed: only donations, disbursements and transfers can`, { target });
        }
        if (m.reversed) throw new InvariantError('already_reversed', `entry ${target} was already reversed`, { target });
        const a = { ...this.campaigns[m.campaign].totals };
        a.reversed += m.amount;
        const changes = [];
        if (m.kind === 'donation') {
          a.balance = this.take(m.campaign, a, m.amount);
          a.donated -= m.amount;
          a.donations -= 1;
          changes.push([m.campaign, a]);
        } else if (m.kind === 'disbursement') {
          a.balance += m.amount;
          a.disbursed -= m.amount;
          a.disbursements -= 1;
          changes.push([m.campaign, a]);
        } else {
          const c = { ...this.campaigns[m.to].totals };
          c.balance = this.take(m.to, c, m.amount);
          c.transferred_in -= m.amount;
          c.reversed += m.amount;
          c.reversed_transfers += m.amount;
          a.balance += m.amount;
          a.transferred_out -= m.amount;
          a.reversed_transfers += m.amount;
          changes.push([m.campaign, a], [m.to, c]);
        }
        commit = () => {
          for (const [i, t] of changes) this.campaigns[i].totals = t;
          m.reversed = true;
        };
        break;
      }
      case 'approval.policy': {
        // SPEC.md §17.1: a campaign's rule, or the ledger's for a currency, from this entry on.
        const i = b.campaign === undefined ? undefined : this.openCampaign(b.campaign, b.currency, false);
        const rule = ruleOf(b.approvers, b.threshold, seq);
        commit = () => {
          if (i !== undefined) this.campaigns[i].approval = rule;
          else if (rule) this.ledgerRules.set(b.currency, rule);
          else this.ledgerRules.delete(b.currency);
        };
        break;
      }
      case 'statement':
        // A bank statement moves no campaign's money; it is reconciled apart (SPEC.md §16).
        commit = () => {};
        break;
      case 'budget':
      case 'pledge':
        // Budgets and pledges move no money; their own rules are budget.js's and pledge.js's.
        this.openCampaign(b.campaign, b.currency, true);
        commit = () => {};
        break;
      case 'update':
      case 'pledge.cancel':
        // A narrative update moves no money; it names an opened campaign, open or closed (SPEC.md §20.1).
        this.idx(b.campaign);
        commit = () => {};
        break;
      case 'org.register':
      case 'org.accounts':
      case 'org.key':
      case 'org.suspend':
      case 'org.resume':
      case 'org.close':
        // A platform registry's entries move no money; their rules are registry.js's (SPEC.md §22).
        commit = () => {};
        break;
      default:
        throw new InvariantError('unknown_kind', `unknown kind ${JSON.stringify(entry.kind)}`);
    }
    commit();
    this.size += 1;
    this.lastHash = leafHashHex;
    this.lastRecordedAt = entry.recorded_at;
  }
}
