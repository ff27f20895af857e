with

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

feedback as (

    select * from {{ ref('int_feedback_joined_to_matches') }}

),

feedback_by_date as (

    -- feedback submitted on or before D, on a match started on or before D
    select
        evaluation_dates.as_of_date,
        feedback.match_id,
        feedback.respondent_role,
        feedback.learning

    from evaluation_dates
    inner join feedback
        on feedback.counts_from_date <= evaluation_dates.as_of_date

),

side_averages as (

    -- the mean over feedback rows (not over matches) from each side
    select
        as_of_date,
        respondent_role,
        {{ exact_avg('learning') }} as learning_avg,
        count(*) as n_rows

    from feedback_by_date
    group by as_of_date, respondent_role

),

side_spreads as (

    -- the sample variance of each side's learning scores (a second pass,
    -- exact sums: the same bits on every run)
    select
        side_averages.as_of_date,
        side_averages.respondent_role,
        side_averages.learning_avg,
        side_averages.n_rows,
        case when side_averages.n_rows >= 2 then
            {{ exact_sum('power(feedback_by_date.learning - side_averages.learning_avg, 2)') }}
                / (side_averages.n_rows - 1)
        end as learning_variance

    from side_averages
    inner join feedback_by_date
        on side_averages.as_of_date = feedback_by_date.as_of_date
        and side_averages.respondent_role = feedback_by_date.respondent_role
    group by
        side_averages.as_of_date,
        side_averages.respondent_role,
        side_averages.learning_avg,
        side_averages.n_rows

),

match_sides as (

    select
        as_of_date,
        match_id,
        {{ exact_avg("case when respondent_role = 'mentor' then learning end") }} as mentor_learning,
        {{ exact_avg("case when respondent_role = 'mentee' then learning end") }} as mentee_learning

    from feedback_by_date
    group by as_of_date, match_id

),

reciprocity as (

    -- matches with feedback from both sides; reciprocal when both sides'
    -- mean learning is >= 4
    select
        as_of_date,
        count(*) as n_two_sided,
        sum(case when mentor_learning >= 4 and mentee_learning >= 4 then 1 else 0 end) as n_reciprocal

    from match_sides
    where mentor_learning is not null
      and mentee_learning is not null
    group by as_of_date

),

final as (

    {% for side in ['mentor', 'mentee'] %}
    select
        {{ kpi_select(
            side ~ '_learning_avg',
            'learning_avg',
            'n_rows',
            mean_low('learning_avg', 'learning_variance', 'n_rows'),
            mean_high('learning_avg', 'learning_variance', 'n_rows')
        ) }}
    from side_spreads
    where respondent_role = '{{ side }}'

    union all
    {% endfor %}

    select
        {{ share_kpi_select(
            'reciprocity_index',
            'n_reciprocal',
            'n_two_sided'
        ) }}
    from reciprocity

)

select * from final
