with

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

cohorts as (

    select * from {{ ref('int_outcome_cohorts_by_evaluation_date') }}

),

pairs as (

    select * from {{ ref('int_engagement_pairs_at_index_dates') }}

),

scoped as (

    select
        cohorts.as_of_date,
        cohorts.employee_id,
        cohorts.participant_group,
        cohorts.index_date,
        -- in scope: t0 <= D - 180 and employed(e, t0)
        (
            cohorts.index_date <= evaluation_dates.as_of_minus_180_days
            and cohorts.is_employed_at_index_date
        ) as is_in_scope,
        pairs.before_survey_date,
        pairs.before_engagement_score,
        -- surveys dated after D do not count at D
        case when pairs.after_survey_date <= cohorts.as_of_date then pairs.after_survey_date end
            as after_survey_date,
        case when pairs.after_survey_date <= cohorts.as_of_date then pairs.after_engagement_score end
            as after_engagement_score

    from cohorts
    inner join evaluation_dates
        on cohorts.as_of_date = evaluation_dates.as_of_date
    inner join pairs
        on cohorts.employee_id = pairs.employee_id
        and cohorts.participant_group = pairs.participant_group
    where cohorts.participant_group in ('mentee', 'non_participant')

),

final as (

    select
        as_of_date,
        employee_id,
        participant_group,
        index_date,
        is_in_scope,
        before_survey_date,
        before_engagement_score,
        after_survey_date,
        after_engagement_score,
        (is_in_scope and before_engagement_score is not null and after_engagement_score is not null)
            as has_both_scores,
        case
            when is_in_scope and before_engagement_score is not null and after_engagement_score is not null
                then after_engagement_score - before_engagement_score
        end as engagement_delta

    from scoped

)

select * from final
