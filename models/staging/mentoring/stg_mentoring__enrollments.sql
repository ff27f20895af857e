with

source as (

    select * from {{ source('mentoring', 'enrollments') }}

),

renamed as (

    select
        -- ids
        program_id,
        employee_id,

        -- text
        role as participant_role,
        status as enrollment_status,

        -- dates
        enrolled_date

    from source

)

select * from renamed
