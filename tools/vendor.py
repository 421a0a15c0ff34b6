"""Copy the front-end libraries from the npm registry into static/vendor/ (`make vendor`).

Each package is fetched with `npm pack` at the exact version below; npm checks the
tarball against the registry's SHA-512, and this script checks it against the one
written here, so a changed package is refused rather than copied. Only the files the
site serves (and each package's licence) are kept. The copies are committed, so a fresh
clone needs neither npm nor a network; `make install` runs this only when one is missing.
axe-core is a test tool: it goes to tests/vendor/, never served by the site.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: (package, version, SHA-512 integrity, destination, {path in the package: file name}).
PACKAGES = [
    (
        "leaflet",
        "1.9.4",
        "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==",
        "static/vendor/leaflet",
        {
            "dist/leaflet.js": "leaflet.js",
            "dist/leaflet.css": "leaflet.css",
            "dist/images/layers.png": "images/layers.png",
            "dist/images/layers-2x.png": "images/layers-2x.png",
            "dist/images/marker-icon.png": "images/marker-icon.png",
            "dist/images/marker-icon-2x.png": "images/marker-icon-2x.png",
            "dist/images/marker-shadow.png": "images/marker-shadow.png",
            "LICENSE": "LICENSE",
        },
    ),
    (
        "leaflet.markercluster",
        "1.5.3",
        "sha512-vPTw/Bndq7eQHjLBVlWpnGeLa3t+3zGiuM7fJwCkiMFq+nmRuG3RI3f7f4N4TDX7T4NpbAXpR2+NTRSEGfCSeA==",
        "static/vendor/leaflet.markercluster",
        {
            "dist/leaflet.markercluster.js": "leaflet.markercluster.js",
            "dist/MarkerCluster.css": "MarkerCluster.css",
            "MIT-LICENCE.txt": "LICENSE",
        },
    ),
    (
        "topojson-client",
        "3.1.0",
        "sha512-605uxS6bcYxGXw9qi62XyrV6Q3xwbndjachmNxu8HWTtVPxZfEJN9fd/SZS1Q54Sn2y0TMyMxFj/cJINqGHrKw==",
        "static/vendor/topojson-client",
        {"dist/topojson-client.min.js": "topojson-client.min.js", "LICENSE": "LICENSE"},
    ),
    (
        # Natural Earth's 1:50m countries (public domain) as TopoJSON.
        "world-atlas",
        "2.0.2",
        "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==",
        "static/vendor/world-atlas",
        {"countries-50m.json": "countries-50m.json", "LICENSE": "LICENSE"},
    ),
    (
        "axe-core",
        "4.14.1",
        "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
        "tests/vendor/axe-core",
        {"axe.min.js": "axe.min.js", "LICENSE": "LICENSE"},
    ),
]


def _integrity(path: Path) -> str:
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def fetch(name: str, version: str, integrity: str, dest: str, files: dict[str, str]) -> None:
    """Fetch one package and copy its files into `dest` (replacing what was there)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            ["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", tmp],
            check=True,
            capture_output=True,
            text=True,
            cwd=tmp,
        )
        tarball = Path(tmp) / json.loads(out.stdout)[0]["filename"]
        if _integrity(tarball) != integrity:
            sys.exit(f"{name}@{version}: the tarball's SHA-512 is not the one recorded here")
        target = ROOT / dest
        shutil.rmtree(target, ignore_errors=True)
        with tarfile.open(tarball) as tar:
            for inside, outside in files.items():
                member = tar.extractfile(f"package/{inside}")
                if member is None:
                    sys.exit(f"{name}@{version}: no {inside} in the package")
                path = target / outside
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(member.read())
    print(f"{name}@{version} → {dest}")


def main() -> None:
    """Vendor every package (or only those named on the command line)."""
    wanted = set(sys.argv[1:])
    for name, version, integrity, dest, files in PACKAGES:
        if not wanted or name in wanted:
            fetch(name, version, integrity, dest, files)


if __name__ == "__main__":
    main()
