with

source as (

    select * from {{ source('mentoring', 'programs') }}

),

renamed as (

    select
        -- ids
        program_id,

        -- text
        program_name,
        program_type,

        -- dates
        start_date,
        end_date

    from source

)

select * from renamed
