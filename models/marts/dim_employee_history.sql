with

snapshot as (

    select * from {{ ref('snp_hr__employees') }}

),

observed as (

    -- versions seen by an export on or before D: a rebuild of a past drop
    -- shows the history as it was known then
    select
        employee_id,
        manager_id,
        department,
        job_level,
        cast(dbt_valid_from as date) as valid_from_date,
        cast(dbt_valid_to as date) as valid_to_date

    from snapshot
    where cast(dbt_valid_from as date) <= {{ as_of_date() }}

),

final as (

    select
        employee_id,
        manager_id,
        department,
        job_level,
        valid_from_date,
        case when valid_to_date <= {{ as_of_date() }} then valid_to_date end as valid_to_date,
        coalesce(valid_to_date > {{ as_of_date() }}, true) as is_current

    from observed
    -- a corrected export of the same date replaces the version it closes
    where valid_to_date is null or valid_to_date > valid_from_date

)

select * from final
