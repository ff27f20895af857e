"""GX's own pandas validation path: the reference the SQL engine is held to.

Not used by the nightly run (it copies every row into pandas, see
``sql_engine.py``); the tests validate the same frames both ways and compare,
and ``benchmark.py`` times both routes.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipelines.quality.suites import Suite


def validate_with_gx_pandas(frame: pd.DataFrame, suite: Suite) -> list[dict[str, Any]]:
    """Validate ``frame`` against the suite with GX's pandas execution engine.

    Returns one dict per expectation, in suite order: ``success`` and GX's
    ``result`` (SUMMARY format).
    """
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
    )

    context = gx.get_context(
        mode="ephemeral",
        project_config=DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
            analytics_enabled=False,
        ),
    )
    asset = context.data_sources.add_pandas("frames").add_dataframe_asset(suite.name)
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(
        batch_parameters={"dataframe": frame}
    )
    gx_suite = context.suites.add(
        gx.ExpectationSuite(
            name=suite.name,
            expectations=[c.to_gx().to_domain_obj() for c in suite.expectations],
        )
    )
    result = batch.validate(gx_suite, result_format="SUMMARY")
    # GX may reorder results; match them back to the suite's order by id.
    by_id = {r.expectation_config.id: r for r in result.results if r.expectation_config}
    return [
        {"success": by_id[e.id].success, "result": dict(by_id[e.id].result)}
        for e in gx_suite.expectations
    ]
