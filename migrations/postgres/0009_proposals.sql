-- Payments proposed for two-person approval (SPEC.md §17), kept off the chain until enough
-- staff approve them; then the entry is appended with its `approval` key and the proposal
-- names its seq. `body` is the proposed entry body as JSON, without `approval`. `status`:
-- pending, recording (an approver is appending it), recorded, rejected. Staff are named by
-- their staff id (`staff-<token id>`); `recorded_by` is the proposer's, written into the entry.
create table proposals (
    id bigint generated always as identity primary key,
    kind text not null,
    campaign text not null,
    body text not null,
    proposed_by text not null,
    recorded_by text not null,
    created_at text not null,
    status text not null,
    decided_by text,
    decided_at text,
    reason text,
    seq bigint,
    constraint proposals_status check (status in ('pending', 'recording', 'recorded', 'rejected')),
    constraint proposals_seq_unique unique (seq)
);
create index proposals_by_status on proposals (status, id);

-- One row per staff member who approved a proposal; a second approval by the same staff
-- member is the same row.
create table proposal_approvals (
    proposal_id bigint not null references proposals (id),
    staff_id text not null,
    approved_at text not null,
    primary key (proposal_id, staff_id)
);

-- The ledger's approval rules are read at start-up from these few entries alone.
create index entries_approval_policies on entries (seq) where kind = 'approval.policy';
