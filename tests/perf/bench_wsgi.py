"""The application as gunicorn serves it for cache_bench.py, plus a constant endpoint to compare with.

`/_bench/constant` returns the same 2,000 bytes from memory every time: what the same gunicorn,
Flask and Python can do at best, so each page's figure can be read as a ratio to it.
"""
from eventapp import create_app

app = create_app()
CONSTANT = b"x" * 2000


@app.route("/_bench/constant")
def constant():
    return CONSTANT, 200, {"Content-Type": "text/plain"}
