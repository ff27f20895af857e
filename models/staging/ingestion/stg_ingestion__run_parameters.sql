with

source as (

    select * from {{ source('ingestion', 'run_parameters') }}

),

renamed as (

    select
        -- dates
        as_of_date

    from source

)

select * from renamed
