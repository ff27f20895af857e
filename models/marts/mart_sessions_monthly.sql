with

sessions as (

    select * from {{ ref('fct_sessions') }}

),

feedback as (

    select * from {{ ref('fct_feedback') }}

),

session_months as (

    select
        program_id,
        cast({{ dbt.date_trunc('month', 'session_date') }} as date) as month_start_date,
        count(*) as n_sessions,
        sum(case when session_status = 'held' then 1 else 0 end) as n_held_sessions,
        sum(case when session_status = 'cancelled' then 1 else 0 end) as n_cancelled_sessions,
        sum(case when session_status = 'no_show' then 1 else 0 end) as n_no_show_sessions,
        sum(case when session_status = 'held' and initiated_by = 'mentee' then 1 else 0 end)
            as n_held_mentee_initiated,
        sum(case when session_status = 'held' then duration_minutes end) as held_minutes,
        count(distinct case when session_status = 'held' then match_id end) as n_matches_with_held_session

    from sessions
    group by program_id, cast({{ dbt.date_trunc('month', 'session_date') }} as date)

),

feedback_months as (

    select
        program_id,
        cast({{ dbt.date_trunc('month', 'submitted_date') }} as date) as month_start_date,
        sum(case when respondent_role = 'mentor' then 1 else 0 end) as n_mentor_feedback,
        sum(case when respondent_role = 'mentee' then 1 else 0 end) as n_mentee_feedback,
        {{ exact_avg("case when respondent_role = 'mentor' then learning end") }} as mentor_learning_avg,
        {{ exact_avg("case when respondent_role = 'mentee' then learning end") }} as mentee_learning_avg,
        {{ exact_avg('satisfaction') }} as satisfaction_avg

    from feedback
    group by program_id, cast({{ dbt.date_trunc('month', 'submitted_date') }} as date)

),

months as (

    select
        program_id,
        month_start_date
    from session_months
    union
    select
        program_id,
        month_start_date
    from feedback_months

),

final as (

    select
        months.program_id,
        months.month_start_date,
        coalesce(session_months.n_sessions, 0) as n_sessions,
        coalesce(session_months.n_held_sessions, 0) as n_held_sessions,
        coalesce(session_months.n_cancelled_sessions, 0) as n_cancelled_sessions,
        coalesce(session_months.n_no_show_sessions, 0) as n_no_show_sessions,
        coalesce(session_months.n_held_mentee_initiated, 0) as n_held_mentee_initiated,
        coalesce(session_months.n_matches_with_held_session, 0) as n_matches_with_held_session,
        session_months.held_minutes,
        coalesce(feedback_months.n_mentor_feedback, 0) as n_mentor_feedback,
        coalesce(feedback_months.n_mentee_feedback, 0) as n_mentee_feedback,
        feedback_months.mentor_learning_avg,
        feedback_months.mentee_learning_avg,
        feedback_months.satisfaction_avg

    from months
    left join session_months
        on months.program_id = session_months.program_id
        and months.month_start_date = session_months.month_start_date
    left join feedback_months
        on months.program_id = feedback_months.program_id
        and months.month_start_date = feedback_months.month_start_date

)

select * from final
