with

employees as (

    select * from {{ ref('stg_hr__employees') }}

),

final as (

    select
        employee_id,
        -- the spell [valid_from_date, valid_to_date): employed(e, X) holds
        -- for valid_from_date <= X < valid_to_date (open-ended when null)
        hire_date as valid_from_date,
        termination_date as valid_to_date,
        termination_reason,
        department as current_department,
        job_level as current_job_level,
        gender_group,
        ethnicity_group,
        birth_year

    from employees

)

select * from final
