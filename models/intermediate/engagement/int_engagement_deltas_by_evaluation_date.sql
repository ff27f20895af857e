{#-
    A view: one range join of the evaluation dates with each (person, group)'s
    survey pair and membership interval (see int_participant_groups_by_evaluation_date),
    computed where it is read. Its grain is tested on int_engagement_pairs_at_index_dates.
-#}
{{ config(materialized='view') }}

with

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

pairs as (

    select * from {{ ref('int_engagement_pairs_at_index_dates') }}
    where participant_group in ('mentee', 'non_participant')

),

scoped as (

    -- mentees and non-participants at D (membership_start_date <= D < membership_end_date)
    select
        evaluation_dates.as_of_date,
        pairs.employee_id,
        pairs.participant_group,
        pairs.index_date,
        -- in scope: t0 <= D - 180 and employed(e, t0)
        (
            pairs.index_date <= evaluation_dates.as_of_minus_180_days
            and pairs.is_employed_at_index_date
        ) as is_in_scope,
        pairs.before_survey_date,
        pairs.before_engagement_score,
        -- surveys dated after D do not count at D
        case when pairs.after_survey_date <= evaluation_dates.as_of_date then pairs.after_survey_date end
            as after_survey_date,
        case when pairs.after_survey_date <= evaluation_dates.as_of_date then pairs.after_engagement_score end
            as after_engagement_score

    from evaluation_dates
    inner join pairs
        on pairs.membership_start_date <= evaluation_dates.as_of_date
        and coalesce(pairs.membership_end_date, {{ date_literal('9999-12-31') }})
            > evaluation_dates.as_of_date

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
