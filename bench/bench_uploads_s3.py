"""Benchmark: bench_uploads.py with the store on SeaweedFS (BENCH_UPLOAD_STORE=s3), so that
`make bench`, which runs each bench file once, measures both back ends (issue 8 §7).

    .venv/bin/python bench/bench_uploads_s3.py     (env as bench_uploads.py)
"""

import os
import runpy
from pathlib import Path

os.environ.setdefault("BENCH_UPLOAD_STORE", "s3")
runpy.run_path(str(Path(__file__).with_name("bench_uploads.py")), run_name="__main__")
