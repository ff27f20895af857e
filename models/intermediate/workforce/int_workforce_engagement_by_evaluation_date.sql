with

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

employed as (

    select * from {{ ref('int_employees_by_evaluation_date') }}

),

scores as (

    -- one score per employee and survey date (several that day: their mean)
    select * from {{ ref('int_engagement_scores_by_date') }}

),

in_window as (

    -- surveys in (D - 365, D] of the people employed on D, newest first
    select
        employed.as_of_date,
        employed.employee_id,
        scores.survey_date,
        scores.engagement_score,
        row_number() over (
            partition by employed.as_of_date, employed.employee_id
            order by scores.survey_date desc
        ) as recency

    from employed
    inner join evaluation_dates
        on employed.as_of_date = evaluation_dates.as_of_date
    inner join scores
        on employed.employee_id = scores.employee_id
        and scores.survey_date > evaluation_dates.as_of_minus_365_days
        and scores.survey_date <= evaluation_dates.as_of_date

),

final as (

    -- each surveyed employee's latest score in the window
    select
        as_of_date,
        employee_id,
        survey_date as latest_survey_date,
        engagement_score as latest_engagement_score,
        engagement_score >= 4 as is_favorable

    from in_window
    where recency = 1

)

select * from final
