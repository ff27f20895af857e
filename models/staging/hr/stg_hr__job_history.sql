with

source as (

    select * from {{ source('hr', 'job_history') }}

),

renamed as (

    select
        -- ids
        employee_id,
        {{ blank_to_null('manager_id') }} as manager_id,

        -- text
        {{ blank_to_null('department') }} as department,
        {{ blank_to_null('job_title') }} as job_title,
        change_type,

        -- numbers
        job_level,

        -- dates
        effective_date

    from source

)

select * from renamed
