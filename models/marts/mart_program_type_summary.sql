with

matches as (

    select * from {{ ref('fct_matches') }}

),

feedback as (

    select * from {{ ref('fct_feedback') }}

),

match_counts as (

    -- is_reciprocal is null for a match without feedback from both sides:
    -- such a match is in neither the numerator nor the denominator
    select
        program_type,
        count(*) as n_matches,
        count(case when is_active then 1 end) as n_active_matches,
        count(is_reciprocal) as n_matches_both_sides,
        count(case when is_reciprocal then 1 end) as n_reciprocal_matches

    from matches
    group by program_type

),

feedback_sides as (

    -- the mean over feedback rows (not over matches) of each side, as the
    -- dictionary's mentor_learning_avg and mentee_learning_avg
    select
        matches.program_type,
        count(case when feedback.respondent_role = 'mentor' then 1 end) as n_mentor_feedback,
        {{ exact_avg("case when feedback.respondent_role = 'mentor' then feedback.learning end") }}
            as mentor_learning_avg,
        count(case when feedback.respondent_role = 'mentee' then 1 end) as n_mentee_feedback,
        {{ exact_avg("case when feedback.respondent_role = 'mentee' then feedback.learning end") }}
            as mentee_learning_avg

    from feedback
    inner join matches
        on feedback.match_id = matches.match_id
    group by matches.program_type

),

combined as (

    select
        match_counts.program_type,
        match_counts.n_matches,
        match_counts.n_active_matches,
        match_counts.n_matches_both_sides,
        match_counts.n_reciprocal_matches,
        coalesce(feedback_sides.n_mentor_feedback, 0) as n_mentor_feedback,
        feedback_sides.mentor_learning_avg,
        coalesce(feedback_sides.n_mentee_feedback, 0) as n_mentee_feedback,
        feedback_sides.mentee_learning_avg,
        {{ is_small_cell('match_counts.n_matches') }} as is_small

    from match_counts
    left join feedback_sides
        on match_counts.program_type = feedback_sides.program_type

),

suppressed as (

    select
        *,
        {{ with_complementary_suppression('is_small', 'n_matches', '', 'program_type') }} as is_suppressed

    from combined

),

final as (

    -- one row per program type with a match started on or before D. A type
    -- with fewer than min_cell_size matches is suppressed (with its
    -- complementary type); a mean or share over fewer than min_cell_size
    -- responses or matches is null, never shown: it would be one person's
    -- answer
    select
        program_type,
        is_suppressed,
        case when not is_suppressed then n_matches end as n_matches,
        case when not is_suppressed then n_active_matches end as n_active_matches,
        case when not is_suppressed then n_matches_both_sides end as n_matches_both_sides,
        case when not is_suppressed and not {{ is_small_cell('n_matches_both_sides') }}
            then n_reciprocal_matches end as n_reciprocal_matches,
        case when not is_suppressed and not {{ is_small_cell('n_matches_both_sides') }}
            then {{ safe_ratio('n_reciprocal_matches', 'n_matches_both_sides') }} end as reciprocity_share,
        case when not is_suppressed then n_mentor_feedback end as n_mentor_feedback,
        case when not is_suppressed and not {{ is_small_cell('n_mentor_feedback') }}
            then mentor_learning_avg end as mentor_learning_avg,
        case when not is_suppressed then n_mentee_feedback end as n_mentee_feedback,
        case when not is_suppressed and not {{ is_small_cell('n_mentee_feedback') }}
            then mentee_learning_avg end as mentee_learning_avg

    from suppressed

)

select * from final
