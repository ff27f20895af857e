with

job_history as (

    select * from {{ ref('stg_hr__job_history') }}

),

levels_by_date as (

    -- several rows on one date: the highest level (KPI dictionary)
    select
        employee_id,
        effective_date,
        max(job_level) as job_level

    from job_history
    group by employee_id, effective_date

),

final as (

    select
        employee_id,
        effective_date as valid_from_date,
        lead(effective_date) over (
            partition by employee_id order by effective_date
        ) as valid_to_date,
        job_level,
        lag(job_level) over (
            partition by employee_id order by effective_date
        ) as previous_job_level

    from levels_by_date

)

select * from final
