-- Campaign states gain `totals.reversed_transfers`: the part of `reversed` that is reversed
-- transfers into or out of the campaign (a currency's `reversed` leaves it out, SPEC.md §8).
-- States written before it existed lack it; it is computed here once from the ledger: every
-- reversal whose reversed entry is a transfer adds that transfer's amount to both of its
-- campaigns, summed exactly as numeric.
update campaigns set state = jsonb_set(
    state::jsonb,
    '{totals,reversed_transfers}',
    to_jsonb((
        select coalesce(sum((convert_from(t.leaf, 'UTF8')::jsonb #>> '{body,amount}')::numeric), 0)::text
        from entries r
        join entries t on t.seq = r.reverses
        where r.kind = 'reversal'
          and t.kind = 'transfer'
          and (t.campaign = campaigns.id or t.campaign_to = campaigns.id)
    ))
)::text
where (state::jsonb #> '{totals,reversed_transfers}') is null;
