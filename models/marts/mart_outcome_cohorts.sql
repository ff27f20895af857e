with

cohorts as (

    select * from {{ ref('int_outcome_cohorts_by_evaluation_date') }}
    where as_of_date = {{ as_of_date() }}

),

final as (

    select
        employee_id,
        participant_group,
        index_date,
        is_employed_at_index_date,
        is_eligible_12m,
        -- a 12-month outcome is known only for the eligible
        case when is_eligible_12m then is_retained_12m end as is_retained_12m,
        case when is_eligible_12m then is_promoted_12m end as is_promoted_12m,
        department_at_index_date,
        job_level_at_index_date,
        performance_band_at_index_date,
        termination_date

    from cohorts

)

select * from final
