with

source as (

    select * from {{ source('mentoring', 'matches') }}

),

renamed as (

    select
        -- ids
        match_id,
        program_id,
        mentor_id,
        mentee_id,

        -- text
        status as match_status,

        -- dates
        start_date,
        end_date

    from source

)

select * from renamed
