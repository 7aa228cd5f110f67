// Pledges (SPEC.md §19), written from the spec apart from the Rust core: the field rules of
// `pledge` and `pledge.cancel`, and Pledges, which keeps every pledge with what was received
// against it, so that no pledge is over-fulfilled, fulfilled after its cancellation, or
// cancelled twice. Errors are state.js's InvariantErrors; amounts are BigInt.

import { rules } from './fields.js';
import { InvariantError } from './state.js';

/** The field rules of a `pledge` body: campaign, donor, expected_on, note. */
export function validatePledge(p) {
  rules.slug('campaign', p.campaign);
  rules.short('donor', p.donor);
  if (p.expected_on !== undefined) rules.date('expected_on', p.expected_on);
  rules.optLong('note', p.note);
}

/** The field rules of a `pledge.cancel` body: campaign, reason. */
export function validateCancel(c) {
  rules.slug('campaign', c.campaign);
  rules.long('reason', c.reason);
}

/** What is still expected of pledge `p`, and what its cancellation gave up. */
export function pledgeFigures(p) {
  const rest = p.amount - p.received;
  return p.cancelledBy === undefined ? { outstanding: rest, cancelled: 0n } : { outstanding: 0n, cancelled: rest };
}

/** Every pledge by seq, and the donations naming one. */
export class Pledges {
  constructor() {
    this.pledges = new Map(); // seq (Number) -> {campaign, donor, amount, expected_on, received, cancelledBy}
    this.gifts = new Map(); // donation seq -> {pledge, amount}
  }

  pledgeOf(campaign, seq) {
    const p = this.pledges.get(Number(seq));
    if (!p || p.campaign !== campaign) {
      throw new InvariantError('not_a_pledge', `entry ${seq} is not a pledge for campaign ${JSON.stringify(campaign)}`, { field: 'pledge' });
    }
    return p;
  }

  check(entry) {
    const b = entry.body;
    if (entry.kind === 'pledge.cancel') {
      const p = this.pledgeOf(b.campaign, b.pledge);
      if (p.cancelledBy !== undefined) {
        throw new InvariantError('pledge_already_cancelled', `pledge ${b.pledge} was already cancelled by entry ${p.cancelledBy}`, { field: 'pledge' });
      }
      if (p.received >= p.amount) {
        throw new InvariantError('pledge_fulfilled', `pledge ${b.pledge} is fulfilled: nothing is left to cancel`, { field: 'pledge' });
      }
    } else if (entry.kind === 'donation' && b.pledge !== undefined) {
      const p = this.pledgeOf(b.campaign, b.pledge);
      if (p.cancelledBy !== undefined) {
        throw new InvariantError('pledge_cancelled', `pledge ${b.pledge} was cancelled by entry ${p.cancelledBy}, so no donation can fulfil it`, { field: 'pledge' });
      }
      if (p.received + BigInt(b.amount) > p.amount) {
        throw new InvariantError('pledge_over_fulfilled', `pledge ${b.pledge} promised ${p.amount} minor units and ${p.received} were received; ${b.amount} more would over-fulfil it`, { field: 'amount' });
      }
    }
  }

  apply(entry) {
    this.check(entry);
    const b = entry.body;
    if (entry.kind === 'pledge') {
      this.pledges.set(entry.seq, {
        campaign: b.campaign, donor: b.donor, amount: BigInt(b.amount), expected_on: b.expected_on, received: 0n, cancelledBy: undefined,
      });
    } else if (entry.kind === 'pledge.cancel') {
      this.pledges.get(Number(b.pledge)).cancelledBy = entry.seq;
    } else if (entry.kind === 'donation' && b.pledge !== undefined) {
      const amount = BigInt(b.amount);
      this.pledges.get(Number(b.pledge)).received += amount;
      this.gifts.set(entry.seq, { pledge: Number(b.pledge), amount });
    } else if (entry.kind === 'reversal') {
      const g = this.gifts.get(b.reverses);
      if (g === undefined) return;
      this.gifts.delete(b.reverses);
      this.pledges.get(g.pledge).received -= g.amount;
    }
  }

  /** The pledges of `campaign`, in ledger order, each with its seq and figures. */
  ofCampaign(campaign) {
    return [...this.pledges].filter(([, p]) => p.campaign === campaign)
      .map(([seq, p]) => ({ seq, ...p, ...pledgeFigures(p) }));
  }

  /** The pledge figures of `campaign` (SPEC.md §8.1): pledged = received + outstanding + cancelled. */
  totals(campaign) {
    const t = {
      pledges: 0, pledged: 0n, received: 0n, outstanding: 0n, cancelled: 0n,
    };
    for (const p of this.ofCampaign(campaign)) {
      t.pledges += 1;
      t.pledged += p.amount;
      t.received += p.received;
      t.outstanding += p.outstanding;
      t.cancelled += p.cancelled;
    }
    return t;
  }
}
