with

source as (

    select * from {{ source('ingestion', 'quarantine') }}

),

renamed as (

    select
        -- ids
        run_id,
        source as source_name,

        -- text
        source_file,
        column_name,
        reason,
        original_values,

        -- numbers
        line_number

    from source

)

select * from renamed
