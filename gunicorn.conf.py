"""gunicorn settings beyond the command line; gunicorn reads this file from its working
directory (/app in the image; `manage.py bench_pages` serves from the same place)."""

import gc
import os


def workers_for(environ: dict, cpus: int | None) -> int:
    """`WEB_CONCURRENCY` when set, else one sync worker per core, at least two.

    A page is mostly Python work (templates, figures): on the 2-core bench machine PostgreSQL
    used 18 CPU seconds while the workers used 105 (the connections that ended during the load
    counted: an earlier reading left them out and gave 2-3). More workers than cores take turns
    on them: with 3 workers the p95 under 20 users was 14-29 % higher than with 2 on SQLite (the
    median page's, and the mean over requests; `bench_pages --workers`, runs alternated;
    README). On PostgreSQL, where a worker also waits for the database's answers, a third
    worker halved the wait for a free worker and slowed each request as much: a draw.
    Two at least, so that one slow request never holds the only worker.
    """
    value = environ.get("WEB_CONCURRENCY", "").strip()
    if value:
        if not value.isdigit() or not 1 <= int(value) <= 64:
            raise ValueError(f"WEB_CONCURRENCY must be a number of workers (1-64), not {value!r}")
        return int(value)
    return max(2, cpus or 1)


workers = workers_for(os.environ, os.cpu_count())


def post_worker_init(worker):
    """Once a worker has loaded the app, the objects alive now (modules, models, settings) live
    as long as the worker: move them out of the collector's reach, so that each full collection
    does not walk them again (on the bench county a full collection stopped a request for
    96 ms before, 29 ms after)."""
    gc.collect()
    gc.freeze()
