with

program_months as (

    select * from {{ ref('mart_sessions_monthly') }}

),

month_sums as (

    -- a program-month without feedback from a side has a null mean and a
    -- count of 0, so it adds nothing to either sum below
    select
        month_start_date,
        sum(n_sessions) as n_sessions,
        sum(n_held_sessions) as n_held_sessions,
        sum(n_cancelled_sessions) as n_cancelled_sessions,
        sum(n_no_show_sessions) as n_no_show_sessions,
        sum(n_mentor_feedback) as n_mentor_feedback,
        sum(n_mentee_feedback) as n_mentee_feedback,
        {{ exact_sum('mentor_learning_avg * n_mentor_feedback') }} as mentor_learning_sum,
        {{ exact_sum('mentee_learning_avg * n_mentee_feedback') }} as mentee_learning_sum

    from program_months
    group by month_start_date

),

final as (

    -- one row per calendar month with a session or feedback, over all
    -- programs. The per-program means weighted by their feedback counts give
    -- the mean over all of the month's feedback rows of one side
    select
        month_start_date,
        n_sessions,
        n_held_sessions,
        n_cancelled_sessions,
        n_no_show_sessions,
        n_mentor_feedback,
        n_mentee_feedback,
        {{ safe_ratio('mentor_learning_sum', 'n_mentor_feedback') }} as mentor_learning_avg,
        {{ safe_ratio('mentee_learning_sum', 'n_mentee_feedback') }} as mentee_learning_avg

    from month_sums

)

select * from final
