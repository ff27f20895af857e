with

matches as (

    select * from {{ ref('int_matches_joined_to_employees') }}

),

feedback as (

    select * from {{ ref('fct_feedback') }}

),

activity as (

    select * from {{ ref('int_match_activity_by_evaluation_date') }}
    where as_of_date = {{ as_of_date() }}

),

feedback_sides as (

    select
        match_id,
        sum(case when respondent_role = 'mentor' then 1 else 0 end) as n_mentor_feedback,
        sum(case when respondent_role = 'mentee' then 1 else 0 end) as n_mentee_feedback,
        {{ exact_avg("case when respondent_role = 'mentor' then learning end") }} as mentor_learning_avg,
        {{ exact_avg("case when respondent_role = 'mentee' then learning end") }} as mentee_learning_avg

    from feedback
    group by match_id

),

final as (

    -- matches started on or before D (a later one is not a match yet)
    select
        matches.match_id,
        matches.program_id,
        matches.mentor_id,
        matches.mentee_id,
        matches.program_type,
        matches.match_status,
        activity.is_active,
        case
            when matches.mentor_gender_group = 'undisclosed' or matches.mentee_gender_group = 'undisclosed' then null
            else matches.mentor_gender_group <> matches.mentee_gender_group
        end as is_cross_gender,
        case
            when matches.mentor_ethnicity_group = 'undisclosed' or matches.mentee_ethnicity_group = 'undisclosed'
                then null
            else matches.mentor_ethnicity_group <> matches.mentee_ethnicity_group
        end as is_cross_ethnicity,
        activity.n_held_sessions_to_date as n_held_sessions,
        activity.last_held_session_date,
        coalesce(feedback_sides.n_mentor_feedback, 0) as n_mentor_feedback,
        coalesce(feedback_sides.n_mentee_feedback, 0) as n_mentee_feedback,
        feedback_sides.mentor_learning_avg,
        feedback_sides.mentee_learning_avg,
        case
            when feedback_sides.mentor_learning_avg is null or feedback_sides.mentee_learning_avg is null then null
            else feedback_sides.mentor_learning_avg >= 4 and feedback_sides.mentee_learning_avg >= 4
        end as is_reciprocal,
        matches.start_date,
        matches.end_date

    from matches
    inner join activity
        on matches.match_id = activity.match_id
    left join feedback_sides
        on matches.match_id = feedback_sides.match_id

)

select * from final
