with

deltas as (

    select * from {{ ref('int_engagement_deltas_by_evaluation_date') }}
    where as_of_date = {{ as_of_date() }}

),

final as (

    select
        employee_id,
        participant_group,
        index_date,
        is_in_scope,
        has_both_scores,
        before_engagement_score,
        after_engagement_score,
        engagement_delta,
        before_survey_date,
        after_survey_date

    from deltas

)

select * from final
