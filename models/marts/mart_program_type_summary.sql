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

final as (

    -- one row per program type with a match started on or before D
    select
        match_counts.program_type,
        match_counts.n_matches,
        match_counts.n_active_matches,
        match_counts.n_matches_both_sides,
        match_counts.n_reciprocal_matches,
        {{ safe_ratio('match_counts.n_reciprocal_matches', 'match_counts.n_matches_both_sides') }}
            as reciprocity_share,
        coalesce(feedback_sides.n_mentor_feedback, 0) as n_mentor_feedback,
        feedback_sides.mentor_learning_avg,
        coalesce(feedback_sides.n_mentee_feedback, 0) as n_mentee_feedback,
        feedback_sides.mentee_learning_avg

    from match_counts
    left join feedback_sides
        on match_counts.program_type = feedback_sides.program_type

)

select * from final
