// Two-person approval (SPEC.md §17): the payments waiting for approval, each with its amount
// shown as it will be recorded, who proposed it and who approved it so far; any staff member
// but the proposer approves it (after seeing the amount once more) or rejects it with a
// reason. The approval that completes the rule records the entry. Below, the proposals
// already decided. Proposing happens on the payment and transfer screens: a covered payment
// is proposed there instead of recorded.

import { h, clear, dl } from '../../views/dom.js';
import { t } from '../i18n.js';
import { session, isAdmin } from '../session.js';
import { loadCampaigns } from '../data.js';
import { ruleForm, rulesInForce } from './approval-rule.js';
import { getJson, request } from '../api.js';
import { money, timeEl, errorText } from '../format.js';
import { checkLong } from '../checks.js';

/** The staff id of the signed-in staff member, as the server writes it (`staff-<token id>`). */
export function myStaffId() {
  const id = session()?.staff?.id;
  return id === undefined ? null : `staff-${id}`;
}

/**
 * The approvers the rules in force ask of a payment of `minor` (BigInt) out of `campaign`
 * (as GET /campaigns lists it), or 0 when no rule covers it.
 */
export function approversNeeded(campaign, minor) {
  let n = 0;
  for (const r of campaign?.approval_rules ?? []) {
    if (minor >= BigInt(r.threshold) && r.approvers > n) n = r.approvers;
  }
  return n;
}

/** What a proposal is now, in words: its one-line status. */
function statusLine(p) {
  if (p.status === 'recorded') return t('appr_status_recorded', { seq: p.seq });
  if (p.status === 'rejected') return t('appr_status_rejected', { by: p.decided_by ?? '' });
  if (p.status === 'recording') return t('appr_status_recording');
  return t('appr_status_pending', { have: approverIds(p).length, need: p.needed });
}

function approverIds(p) {
  return p.approvals.map((a) => a.staff_id).filter((id) => id !== p.proposed_by);
}

/** The facts of a proposal: what, how much, to whom, who proposed and approved it. */
function facts(p) {
  const b = p.body;
  const rows = [
    [t('appr_kind'), p.kind === 'transfer' ? t('appr_kind_transfer') : t('appr_kind_disbursement')],
    [t('amount'), h('strong', { class: 'amount', 'data-proposal-amount': '' }, money(BigInt(p.amount), p.currency))],
  ];
  if (p.kind === 'transfer') {
    rows.push([t('from_campaign'), b.from], [t('to_campaign'), b.to], [t('reason'), h('span', { class: 'prewrap' }, b.reason)]);
  } else {
    rows.push([t('campaign'), b.campaign], [t('recipient'), h('span', { class: 'prewrap' }, b.recipient)], [t('purpose'), h('span', { class: 'prewrap' }, b.purpose)]);
  }
  rows.push(
    [t('appr_proposed_by'), h('span', {}, h('code', { 'data-proposed-by': '' }, p.proposed_by), ' · ', timeEl(p.created_at))],
    [t('appr_approved_by'), approverIds(p).length ? h('span', { 'data-approved-by': '' }, approverIds(p).join(', ')) : t('appr_nobody_yet')],
  );
  if (p.reason) rows.push([t('appr_reject_reason'), h('span', { class: 'prewrap', 'data-reason': '' }, p.reason)]);
  return dl(rows);
}

/** A pending proposal's card, with its approve and reject steps. */
function pendingCard(p, refresh) {
  const mine = p.proposed_by === myStaffId();
  const status = h('p', { class: 'review-status', role: 'status', 'aria-live': 'polite' });
  const card = h('section', { class: 'card proposal', 'data-proposal': String(p.id), 'data-status': p.status });
  const act = h('div', { class: 'buttons' });
  const send = async (path, json) => {
    status.className = 'review-status';
    status.textContent = t('recording');
    for (const b of act.querySelectorAll('button')) b.disabled = true;
    try {
      const { data } = await request('POST', `proposals/${p.id}/${path}`, { json });
      status.textContent = statusLine(data);
      await refresh();
    } catch (err) {
      status.className = 'review-status bad';
      status.textContent = errorText(err);
      for (const b of act.querySelectorAll('button')) b.disabled = false;
    }
  };
  const approveStep = () => {
    clear(act);
    act.append(
      h('p', { class: 'note', 'data-confirm-amount': '' }, t('appr_confirm', { amount: money(BigInt(p.amount), p.currency) })),
      h('button', { type: 'button', class: 'secondary', on: { click: () => buttons() } }, t('review_back')),
      h('button', { type: 'button', class: 'primary', 'data-action': 'confirm-approve', on: { click: () => send('approve', {}) } }, t('appr_approve_confirm')),
    );
  };
  const rejectStep = () => {
    clear(act);
    const id = `reject-reason-${p.id}`;
    const reason = h('textarea', { id, name: 'reason', rows: '3', 'data-reject-reason': '' });
    const error = h('p', { class: 'field-error', role: 'alert' });
    act.append(
      h('label', { for: id }, t('appr_reject_reason')),
      reason,
      error,
      h('button', { type: 'button', class: 'secondary', on: { click: () => buttons() } }, t('review_back')),
      h('button', {
        type: 'button',
        class: 'danger',
        'data-action': 'confirm-reject',
        on: {
          click: () => {
            const refusal = checkLong(reason.value.trim());
            error.textContent = refusal ? t('appr_reason_needed') : '';
            if (!refusal) send('reject', { reason: reason.value.trim() });
          },
        },
      }, t('appr_reject_confirm')),
    );
    reason.focus();
  };
  const buttons = () => {
    clear(act);
    if (mine) {
      act.append(h('p', { class: 'note', 'data-own': '' }, t('appr_own')));
      return;
    }
    act.append(
      h('button', { type: 'button', class: 'primary', 'data-action': 'approve', on: { click: approveStep } }, t('appr_approve')),
      h('button', { type: 'button', class: 'secondary', 'data-action': 'reject', on: { click: rejectStep } }, t('appr_reject')),
    );
  };
  buttons();
  card.append(h('h2', {}, statusLine(p)), facts(p), act, status);
  return card;
}

/** A decided proposal's card: recorded (with its entry) or rejected (with the reason). */
function decidedCard(p) {
  const head = p.status === 'recorded'
    ? h('h3', {}, h('a', { href: `#/entry/${p.seq}`, 'data-entry-link': '' }, statusLine(p)))
    : h('h3', {}, statusLine(p));
  return h('section', { class: 'card proposal decided', 'data-proposal': String(p.id), 'data-status': p.status }, head, facts(p));
}

/** The screen: proposals waiting for approval, then those decided. */
export async function viewApprovals(out) {
  out.append(h('h1', {}, t('appr_title')), h('p', { class: 'lead' }, t('appr_lead')));
  const pendingBox = h('div', { class: 'flow', 'data-pending': '' });
  const decidedBox = h('div', { class: 'flow', 'data-decided': '' });
  out.append(pendingBox, h('h2', {}, t('appr_decided')), decidedBox);
  const refresh = async () => {
    const [pending, decided] = await Promise.all([getJson('proposals'), getJson('proposals?status=decided')]);
    clear(pendingBox);
    clear(decidedBox);
    if (pending.length === 0) pendingBox.append(h('p', { class: 'note', 'data-none': '' }, t('appr_none')));
    for (const p of pending) pendingBox.append(pendingCard(p, refresh));
    if (decided.length === 0) decidedBox.append(h('p', { class: 'note' }, t('appr_none_decided')));
    for (const p of decided) decidedBox.append(decidedCard(p));
  };
  await refresh();
  const [campaigns, policies] = await Promise.all([loadCampaigns(), getJson('approval-policies')]);
  const rulesHost = h('div', {}, rulesInForce(campaigns, policies.ledger));
  out.append(rulesHost);
  if (isAdmin()) {
    const host = h('div', { class: 'flow', 'data-rule-form': '' });
    out.append(h('h2', {}, t('appr_rule_title')), h('p', { class: 'note' }, t('appr_rule_lead')), host);
    const recorded = async () => {
      const [now, policiesNow] = await Promise.all([loadCampaigns(), getJson('approval-policies')]);
      const fresh = rulesInForce(now, policiesNow.ledger);
      clear(rulesHost);
      rulesHost.append(fresh);
    };
    ruleForm(host, campaigns.filter((c) => c.status === 'open'), recorded);
  }
}

/** What a payment screen shows once its payment is proposed instead of recorded. */
export function proposedDone(p, again) {
  return h(
    'div',
    { class: 'done', 'data-proposal': String(p.id) },
    h('h2', {}, t('appr_proposed')),
    h('p', {}, t('appr_proposed_note', { need: p.needed })),
    facts(p),
    h('div', { class: 'buttons' },
      h('a', { class: 'button-like', href: '#/approvals' }, t('appr_nav')),
      h('button', { type: 'button', class: 'primary', 'data-action': 'again', on: { click: again } }, t('record_another'))),
  );
}
