with

by_group as (

    select * from {{ ref('int_participation_by_group_and_date') }}
    where as_of_date = {{ as_of_date() }}

),

final as (

    -- suppressed cells publish no counts, so that a report cannot leak them
    select
        group_attribute,
        group_value,
        is_suppressed,
        case when not is_suppressed then n_employed end as n_employed,
        case when not is_suppressed then n_participants end as n_participants,
        case when not is_suppressed then {{ safe_ratio('n_participants', 'n_employed') }} end as participation_rate,
        case
            when not is_suppressed and n_participants_total > 0
                then ({{ safe_ratio('n_participants', 'n_participants_total') }})
                    / ({{ safe_ratio('n_employed', 'n_employed_total') }})
        end as representation_index

    from by_group

)

select * from final
