with

source as (

    select * from {{ source('ingestion', 'file_loads') }}

),

renamed as (

    select
        -- ids
        run_id,
        source as source_name,

        -- text
        source_file,
        file_format,
        sha256 as file_sha256,

        -- numbers
        rows_read,
        rows_accepted,
        rows_quarantined,

        -- dates
        export_date

    from source

)

select * from renamed
