with

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

deltas as (

    select * from {{ ref('int_engagement_deltas_by_evaluation_date') }}
    where has_both_scores

),

group_deltas as (

    select
        as_of_date,
        participant_group,
        {{ exact_avg('engagement_delta') }} as engagement_delta,
        count(*) as n_members

    from deltas
    group by as_of_date, participant_group

),

group_spreads as (

    -- the sample variance of each group's deltas (a second pass, exact sums:
    -- the same bits on every run)
    select
        group_deltas.as_of_date,
        group_deltas.participant_group,
        group_deltas.engagement_delta,
        group_deltas.n_members,
        case when group_deltas.n_members >= 2 then
            {{ exact_sum('power(deltas.engagement_delta - group_deltas.engagement_delta, 2)') }}
                / (group_deltas.n_members - 1)
        end as delta_variance

    from group_deltas
    inner join deltas
        on group_deltas.as_of_date = deltas.as_of_date
        and group_deltas.participant_group = deltas.participant_group
    group by
        group_deltas.as_of_date,
        group_deltas.participant_group,
        group_deltas.engagement_delta,
        group_deltas.n_members

),

uplift as (

    select
        evaluation_dates.as_of_date,
        mentees.n_members,
        mentees.engagement_delta - non_participants.engagement_delta as engagement_uplift,
        {{ welch_low(
            'mentees.engagement_delta - non_participants.engagement_delta',
            'mentees.delta_variance', 'mentees.n_members',
            'non_participants.delta_variance', 'non_participants.n_members'
        ) }} as uplift_ci_low,
        {{ welch_high(
            'mentees.engagement_delta - non_participants.engagement_delta',
            'mentees.delta_variance', 'mentees.n_members',
            'non_participants.delta_variance', 'non_participants.n_members'
        ) }} as uplift_ci_high,
        case
            when mentees.n_members is null then 'no mentees with both engagement scores'
            else 'no non-participants with both engagement scores'
        end as empty_reason

    from evaluation_dates
    left join group_spreads as mentees
        on evaluation_dates.as_of_date = mentees.as_of_date
        and mentees.participant_group = 'mentee'
    left join group_spreads as non_participants
        on evaluation_dates.as_of_date = non_participants.as_of_date
        and non_participants.participant_group = 'non_participant'

),

final as (

    {% for group in ['mentee', 'non_participant'] %}
    select
        {{ kpi_select(
            'engagement_delta_' ~ group,
            'engagement_delta',
            'n_members',
            mean_low('engagement_delta', 'delta_variance', 'n_members'),
            mean_high('engagement_delta', 'delta_variance', 'n_members')
        ) }}
    from group_spreads
    where participant_group = '{{ group }}'

    union all
    {% endfor %}

    -- n of engagement_delta_mentee, published only when both deltas exist
    select
        {{ kpi_select(
            'engagement_uplift_mentee',
            'engagement_uplift',
            'case when engagement_uplift is not null then n_members end',
            'uplift_ci_low',
            'uplift_ci_high',
            empty_reason='empty_reason'
        ) }}
    from uplift

)

select * from final
