with

feedback as (

    select * from {{ ref('stg_mentoring__feedback') }}

),

matches as (

    select * from {{ ref('int_matches_joined_to_employees') }}

),

final as (

    select
        feedback.feedback_id,
        feedback.match_id,
        matches.program_id,
        feedback.respondent_role,
        feedback.satisfaction,
        feedback.learning,
        feedback.submitted_date,
        matches.start_date as match_start_date,
        -- a feedback row counts at a date once both it and its match do
        case
            when feedback.submitted_date >= matches.start_date then feedback.submitted_date
            else matches.start_date
        end as counts_from_date

    from feedback
    inner join matches
        on feedback.match_id = matches.match_id

)

select * from final
