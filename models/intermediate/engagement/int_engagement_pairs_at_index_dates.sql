with

index_dates as (

    -- the (person, group) pairs that have outcomes, with their membership
    -- interval and whether they were employed at t0
    select * from {{ ref('int_outcomes_at_index_dates') }}

),

scores as (

    select * from {{ ref('int_engagement_scores_by_date') }}

),

before_ranked as (

    -- before: the latest survey date on or before t0
    select
        index_dates.employee_id,
        index_dates.participant_group,
        scores.survey_date,
        scores.engagement_score,
        row_number() over (
            partition by index_dates.employee_id, index_dates.participant_group
            order by scores.survey_date desc
        ) as survey_rank

    from index_dates
    inner join scores
        on index_dates.employee_id = scores.employee_id
        and scores.survey_date <= index_dates.index_date

),

after_ranked as (

    -- after: the earliest survey date on or after t0 + 180 (whether it is on
    -- or before D is decided per evaluation date)
    select
        index_dates.employee_id,
        index_dates.participant_group,
        scores.survey_date,
        scores.engagement_score,
        row_number() over (
            partition by index_dates.employee_id, index_dates.participant_group
            order by scores.survey_date
        ) as survey_rank

    from index_dates
    inner join scores
        on index_dates.employee_id = scores.employee_id
        and scores.survey_date >= {{ add_days('index_dates.index_date', 180) }}

),

final as (

    select
        index_dates.employee_id,
        index_dates.participant_group,
        index_dates.index_date,
        index_dates.membership_start_date,
        index_dates.membership_end_date,
        index_dates.is_employed_at_index_date,
        before_ranked.survey_date as before_survey_date,
        before_ranked.engagement_score as before_engagement_score,
        after_ranked.survey_date as after_survey_date,
        after_ranked.engagement_score as after_engagement_score

    from index_dates
    left join before_ranked
        on index_dates.employee_id = before_ranked.employee_id
        and index_dates.participant_group = before_ranked.participant_group
        and before_ranked.survey_rank = 1
    left join after_ranked
        on index_dates.employee_id = after_ranked.employee_id
        and index_dates.participant_group = after_ranked.participant_group
        and after_ranked.survey_rank = 1

)

select * from final
