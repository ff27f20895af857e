with

source as (

    select * from {{ source('hr', 'employees') }}

),

renamed as (

    select
        -- ids
        employee_id,
        {{ blank_to_null('manager_id') }} as manager_id,

        -- text
        {{ blank_to_null('department') }} as department,
        {{ blank_to_null('job_title') }} as job_title,
        {{ blank_to_null('location') }} as location,
        termination_reason,
        {{ group_value('gender') }} as gender_group,
        {{ group_value('ethnicity') }} as ethnicity_group,

        -- numbers
        job_level,
        birth_year,

        -- dates
        hire_date,
        termination_date

    from source

)

select * from renamed
