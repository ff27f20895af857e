{#-
    A view: one range join of the evaluation dates with the interval over
    which each survey is its person's latest (int_engagement_scores_valid_intervals),
    computed where it is read. One row per (D, person): a person's intervals
    never overlap, which is tested there.
-#}
{{ config(materialized='view') }}

with

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

latest_scores as (

    select * from {{ ref('int_engagement_scores_valid_intervals') }}

),

final as (

    -- each employee employed on D with a survey in (D - 365, D]: their latest score there
    select
        evaluation_dates.as_of_date,
        latest_scores.employee_id,
        latest_scores.survey_date as latest_survey_date,
        latest_scores.engagement_score as latest_engagement_score,
        latest_scores.engagement_score >= 4 as is_favorable

    from evaluation_dates
    inner join latest_scores
        on latest_scores.valid_from_date <= evaluation_dates.as_of_date
        and latest_scores.valid_to_date > evaluation_dates.as_of_date

)

select * from final
