with

job_history as (

    select * from {{ ref('stg_hr__job_history') }}

),

departments_by_date as (

    -- rows without a department do not change it; several rows on one
    -- date: the alphabetically first department (KPI dictionary)
    select
        employee_id,
        effective_date,
        min(department) as department

    from job_history
    where department is not null
    group by employee_id, effective_date

),

final as (

    select
        employee_id,
        effective_date as valid_from_date,
        lead(effective_date) over (
            partition by employee_id order by effective_date
        ) as valid_to_date,
        department

    from departments_by_date

)

select * from final
