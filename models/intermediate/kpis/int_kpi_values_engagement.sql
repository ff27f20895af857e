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

uplift as (

    select
        evaluation_dates.as_of_date,
        mentees.n_members,
        mentees.engagement_delta - non_participants.engagement_delta as engagement_uplift,
        case
            when mentees.n_members is null then 'no mentees with both engagement scores'
            else 'no non-participants with both engagement scores'
        end as empty_reason

    from evaluation_dates
    left join group_deltas as mentees
        on evaluation_dates.as_of_date = mentees.as_of_date
        and mentees.participant_group = 'mentee'
    left join group_deltas as non_participants
        on evaluation_dates.as_of_date = non_participants.as_of_date
        and non_participants.participant_group = 'non_participant'

),

final as (

    {% for group in ['mentee', 'non_participant'] %}
    select
        {{ kpi_select('engagement_delta_' ~ group, 'engagement_delta', 'n_members') }}
    from group_deltas
    where participant_group = '{{ group }}'

    union all
    {% endfor %}

    -- n of engagement_delta_mentee, published only when both deltas exist
    select
        {{ kpi_select(
            'engagement_uplift_mentee',
            'engagement_uplift',
            'case when engagement_uplift is not null then n_members end',
            empty_reason='empty_reason'
        ) }}
    from uplift

)

select * from final
