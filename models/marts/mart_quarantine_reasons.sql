with

quarantined as (

    select * from {{ ref('mart_quarantine_rows') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by run_id, source_name, column_name, reason_kind
            -- nulls last spelt out: Spark puts them first by default
            order by line_number nulls last, reason
        ) as rank_in_group

    from quarantined

),

final as (

    -- one row per run, source, offending column (null for a whole-row
    -- reason) and reason kind; the example is the reason on its first line
    select
        run_id,
        source_name,
        column_name,
        reason_kind,
        count(*) as n_rows,
        min(line_number) as first_line_number,
        max(case when rank_in_group = 1 then reason end) as example_reason

    from ranked
    group by run_id, source_name, column_name, reason_kind

)

select * from final
