with

feedback as (

    select * from {{ ref('int_feedback_joined_to_matches') }}

),

final as (

    -- feedback submitted on or before D on a match started on or before D
    select
        feedback_id,
        match_id,
        program_id,
        respondent_role,
        satisfaction,
        learning,
        submitted_date

    from feedback
    where counts_from_date <= {{ as_of_date() }}

)

select * from final
