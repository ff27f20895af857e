with

by_group as (

    select * from {{ ref('int_participation_by_group_and_date') }}

),

employed as (

    select * from {{ ref('int_employees_by_evaluation_date') }}

),

overall as (

    select
        as_of_date,
        count(*) as n_employed,
        sum(case when is_participant then 1 else 0 end) as n_participants

    from employed
    group by as_of_date

),

published_disclosed as (

    -- selection_ratio_min compares only published (not suppressed),
    -- disclosed group values
    select
        as_of_date,
        group_attribute,
        {{ to_double('n_participants') }} / n_employed as participation_rate

    from by_group
    where not is_suppressed
      and group_value <> 'undisclosed'

),

selection_ratios as (

    select
        as_of_date,
        group_attribute,
        count(*) as n_compared,
        case when count(*) >= 2 then min(participation_rate) / max(participation_rate) end as selection_ratio

    from published_disclosed
    group by as_of_date, group_attribute

),

final as (

    select
        {{ share_kpi_select(
            'participation_rate',
            'n_participants',
            'n_employed'
        ) }}
    from overall

    union all

    select
        {{ kpi_select(
            'participation_rate',
            'case when not is_suppressed then ' ~ safe_ratio('n_participants', 'n_employed') ~ ' end',
            'case when not is_suppressed then n_employed end',
            'case when not is_suppressed then ' ~ wilson_low('n_participants', 'n_employed') ~ ' end',
            'case when not is_suppressed then ' ~ wilson_high('n_participants', 'n_employed') ~ ' end',
            group_attribute='group_attribute',
            group_value='group_value',
            is_suppressed='is_suppressed'
        ) }}
    from by_group

    union all

    -- (share of the group value among participants) / (its share among all
    -- employed); when nobody participates every group value has fewer than
    -- min_cell_size participants, so the small-cell rule hides them all
    select
        {{ kpi_select(
            'representation_index',
            'case when n_participants_total > 0 and not is_suppressed then ('
                ~ safe_ratio('n_participants', 'n_participants_total') ~ ') / ('
                ~ safe_ratio('n_employed', 'n_employed_total') ~ ') end',
            'case when n_participants_total > 0 and not is_suppressed then n_participants end',
            group_attribute='group_attribute',
            group_value='group_value',
            is_suppressed='is_suppressed'
        ) }}
    from by_group

    union all

    select
        {{ kpi_select(
            'selection_ratio_min',
            'selection_ratio',
            'case when selection_ratio is not null then n_compared end',
            group_attribute='group_attribute'
        ) }}
    from selection_ratios

)

select * from final
