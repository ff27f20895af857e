"""The web assets GX Data Docs load from CDNs, served from the repo instead.

GX's page templates load bootstrap, jQuery, popper, bootstrap-table,
bootstrap-datepicker, Vega and Font Awesome from CDNs, and its logo from S3;
without a network the pages render unstyled and broken. The exact versions the
templates name were fetched once from the npm registry (``npm pack``) into
``expectations/data_docs_assets/<package>@<version>/`` with their licenses
(all permissive: MIT, BSD-3-Clause, Apache-2.0, CC-BY-4.0/OFL for the icon
fonts), and :mod:`pipelines.quality.data_docs` rewrites every CDN URL to a
relative path to a copy inside the published site.

    python -m pipelines.quality.data_docs_assets   # re-fetch with npm (after a GX upgrade)
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipelines.quality.suites import EXPECTATIONS_DIR

ASSETS_DIR = EXPECTATIONS_DIR / "data_docs_assets"
#: GX's own images, which the site builder copies into every site.
GX_IMAGE_BASE = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"


@dataclass(frozen=True)
class Asset:
    """One file of an npm package, and the CDN URL (if any) it stands for."""

    package: str
    version: str
    path: str
    url: str | None = None

    @property
    def local(self) -> str:
        """Path below the assets folder, e.g. ``jquery@3.7.1/dist/jquery.min.js``."""
        return f"{self.package.split('/')[-1]}@{self.version}/{self.path}"


_FA = ("@fortawesome/fontawesome-free", "6.6.0")
_BT = ("bootstrap-table", "1.19.1")
_BT0 = ("bootstrap-table", "1.19.0")

ASSETS: tuple[Asset, ...] = (
    # jsdelivr's "vega@5" etc. serve the package's jsdelivr entry of the latest
    # matching release; these are the releases it served when vendored.
    Asset("vega", "5.33.1", "build/vega.min.js", "https://cdn.jsdelivr.net/npm/vega@5"),
    Asset(
        "vega-lite", "5.23.0", "build/vega-lite.min.js", "https://cdn.jsdelivr.net/npm/vega-lite@5"
    ),
    Asset(
        "vega-embed",
        "6.29.0",
        "build/vega-embed.min.js",
        "https://cdn.jsdelivr.net/npm/vega-embed@6",
    ),
    Asset(
        *_FA,
        "css/all.min.css",
        "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css",
    ),
    # all.min.css loads these (woff2 first; every current browser takes it).
    Asset(*_FA, "webfonts/fa-solid-900.woff2"),
    Asset(*_FA, "webfonts/fa-regular-400.woff2"),
    Asset(*_FA, "webfonts/fa-brands-400.woff2"),
    Asset(*_FA, "webfonts/fa-v4compatibility.woff2"),
    Asset("jquery", "3.7.1", "dist/jquery.min.js", "https://code.jquery.com/jquery-3.7.1.min.js"),
    Asset(
        "popper.js",
        "1.12.9",
        "dist/umd/popper.min.js",
        "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js",
    ),
    Asset(
        "bootstrap",
        "4.3.1",
        "dist/js/bootstrap.min.js",
        "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js",
    ),
    Asset(
        "bootstrap",
        "4.3.1",
        "dist/css/bootstrap.min.css",
        "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css",
    ),
    Asset(
        *_BT,
        "dist/bootstrap-table.min.js",
        "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js",
    ),
    Asset(
        *_BT,
        "dist/bootstrap-table.min.css",
        "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css",
    ),
    Asset(
        *_BT,
        "dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
        "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
    ),
    Asset(
        *_BT,
        "dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
        "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
    ),
    Asset(
        *_BT0,
        "dist/extensions/filter-control/bootstrap-table-filter-control.css",
        "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css",
    ),
    Asset(
        *_BT0,
        "dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
        "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
    ),
    Asset(
        "bootstrap-datepicker",
        "1.9.0",
        "dist/js/bootstrap-datepicker.min.js",
        "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js",
    ),
    Asset(
        "bootstrap-datepicker",
        "1.9.0",
        "dist/css/bootstrap-datepicker.min.css",
        "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css",
    ),
    # The minified build of the same stylesheet: the unminified one GX names
    # embeds a 700 KB source map.
    Asset(
        "@forevolve/bootstrap-dark",
        "1.1.0",
        "dist/css/bootstrap-prefers-dark.min.css",
        "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css",
    ),
)

#: CDN URL -> path below the assets folder.
URL_MAP: dict[str, str] = {a.url: a.local for a in ASSETS if a.url}

_LICENSE_NAMES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE")


def _package_dirs() -> dict[tuple[str, str], list[Asset]]:
    by_package: dict[tuple[str, str], list[Asset]] = {}
    for asset in ASSETS:
        by_package.setdefault((asset.package, asset.version), []).append(asset)
    return by_package


def _notice(package_json: Path) -> str:
    """Name, version, license and home of a package (some ship no LICENSE file)."""
    meta = json.loads(package_json.read_text())
    repo = meta.get("repository")
    home = meta.get("homepage") or (repo.get("url") if isinstance(repo, dict) else repo)
    return (
        f"{meta['name']} {meta['version']}\n"
        f"License: {meta.get('license')}\n"
        f"Home: {home}\n"
        "Fetched from the npm registry with `npm pack` by pipelines/quality/data_docs_assets.py;\n"
        "only the files GX Data Docs load are kept, byte for byte as published.\n"
    )


def vendor(target: Path = ASSETS_DIR) -> None:
    """Fetch every package with ``npm pack`` and keep only the files listed (and licenses)."""
    with tempfile.TemporaryDirectory() as tmp:
        for (package, version), assets in _package_dirs().items():
            spec = f"{package}@{version}"
            tgz = (
                subprocess.run(
                    ["npm", "pack", spec, "--silent"],
                    cwd=tmp,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            extracted = Path(tmp) / spec.replace("/", "_")
            with tarfile.open(Path(tmp) / tgz) as tar:
                tar.extractall(extracted, filter="data")
            root = extracted / "package"
            folder = target / assets[0].local.split("/")[0]
            for asset in assets:
                dest = target / asset.local
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(root / asset.path, dest)
            for name in _LICENSE_NAMES:
                if (root / name).exists():
                    shutil.copyfile(root / name, folder / "LICENSE")
                    break
            (folder / "NOTICE").write_text(_notice(root / "package.json"))
            print(f"{spec}: {len(assets)} file(s)")


if __name__ == "__main__":
    vendor(Path(sys.argv[1]) if len(sys.argv) > 1 else ASSETS_DIR)
