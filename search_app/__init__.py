"""Flask app: clause-level search with citations, every HTML page with a JSON twin."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from .engine import cache_bytes_from_env
from .generations import IndexHandle
from .scored_lists import shared_mb_from_env


def create_app(index_dir: str | os.PathLike | None = None, corpus_dir: str | os.PathLike | None = None,
               **config) -> Flask:
    app = Flask(__name__)
    app.config.update(
        INDEX_DIR=str(index_dir or os.environ.get("INDEX_DIR", "index")),
        CORPUS_DIR=str(corpus_dir or os.environ.get("CORPUS_DIR", "corpus")),
        JSON_AS_ASCII=False,
        MAX_CONTENT_LENGTH=16 * 1024,
    )
    app.config.update(config)
    app.json.ensure_ascii = False
    cache_bytes_from_env()  # a bad SEARCH_CACHE_MB stops the app at start, not at a search
    shared_mb_from_env()
    app.extensions["index"] = IndexHandle(Path(app.config["INDEX_DIR"]))
    if app.config.get("OPEN_AT_START"):  # gunicorn --preload: opened once, before the workers fork
        app.extensions["index"].generation()

    from . import document_list_views, ref_views, support_views, views

    app.register_blueprint(views.web)
    app.register_blueprint(views.api, url_prefix="/api")
    app.register_blueprint(ref_views.refs)
    app.register_blueprint(support_views.support)
    app.register_blueprint(document_list_views.documents)
    views.install_handlers(app)
    return app
