with

scores as (

    select * from {{ ref('int_engagement_scores_by_date') }}

),

employees as (

    select * from {{ ref('int_employment_spells') }}

),

with_next as (

    select
        scores.employee_id,
        scores.survey_date,
        scores.engagement_score,
        lead(scores.survey_date) over (
            partition by scores.employee_id order by scores.survey_date
        ) as next_survey_date,
        {{ add_days('scores.survey_date', 365) }} as window_end_date,
        employees.valid_from_date as hire_date,
        employees.valid_to_date as termination_date

    from scores
    inner join employees
        on scores.employee_id = employees.employee_id

),

final as (

    -- the survey is the person's latest in (X - 365, X] for
    -- survey_date <= X < next survey date and X < survey_date + 365; the
    -- workforce KPIs read it while the person is employed on X as well
    select
        employee_id,
        survey_date,
        engagement_score,
        case when hire_date > survey_date then hire_date else survey_date end as valid_from_date,
        case
            when next_survey_date is not null and next_survey_date < window_end_date
                and (termination_date is null or next_survey_date < termination_date)
                then next_survey_date
            when termination_date is not null and termination_date < window_end_date
                then termination_date
            else window_end_date
        end as valid_to_date

    from with_next

)

select * from final
