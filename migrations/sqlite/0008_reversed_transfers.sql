-- Campaign states gain `totals.reversed_transfers`: the part of `reversed` that is reversed
-- transfers into or out of the campaign (a currency's `reversed` leaves it out, SPEC.md §8).
-- States written before it existed lack it; it is computed here once from the ledger: every
-- reversal whose reversed entry is a transfer adds that transfer's amount to both of its
-- campaigns. Amounts are integers of minor units; `sum` stops with an error rather than
-- round on overflow.
update campaigns set state = json_set(
    state,
    '$.totals.reversed_transfers',
    (
        select cast(coalesce(sum(cast(json_extract(cast(t.leaf as text), '$.body.amount') as integer)), 0) as text)
        from entries r
        join entries t on t.seq = r.reverses
        where r.kind = 'reversal'
          and t.kind = 'transfer'
          and (t.campaign = campaigns.id or t.campaign_to = campaigns.id)
    )
)
where json_extract(state, '$.totals.reversed_transfers') is null;
