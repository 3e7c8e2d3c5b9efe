"""Rate limits counted in Redis hold across processes; production refuses memory storage."""
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest

from config import ProductionConfig, TestingConfig
from eventapp import create_app

from .conftest import free_port

REDIS_URL = "redis://127.0.0.1:6379/6"
ROOT = Path(__file__).resolve().parent.parent

SERVER = """
import sys
from config import TestingConfig
from eventapp import create_app
from werkzeug.serving import make_server

class Config(TestingConfig):
    SQLALCHEMY_DATABASE_URI = sys.argv[2]
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = sys.argv[3]
    RATELIMIT_KEY_PREFIX = sys.argv[4]
    REGISTRATION_RATE_LIMIT = "3 per minute"

make_server("127.0.0.1", int(sys.argv[1]), create_app(Config)).serve_forever()
"""


def _redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            raise
        pytest.skip("Redis is not running on 127.0.0.1:6379")


def _wait(url):
    for _ in range(100):
        try:
            urlopen(url, timeout=2).read()
            return
        except HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not start")


def _post(url):
    request = Request(url, data=urlencode({"email": "x"}).encode(), method="POST")
    try:
        with urlopen(request, timeout=10) as response:
            return response.status
    except HTTPError as error:
        return error.code


def test_the_register_limit_holds_across_two_server_processes(tmp_path):
    _redis_or_skip()
    database = f"sqlite:///{tmp_path / 'shared.sqlite'}"

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database

    app = create_app(Config)
    with app.app_context():
        from eventapp.extensions import db

        db.create_all()
        db.engine.dispose()
    prefix = f"eventapp-test-{uuid.uuid4().hex}"
    ports = [free_port(), free_port()]
    servers = [subprocess.Popen([sys.executable, "-c", SERVER, str(port), database, REDIS_URL, prefix], cwd=ROOT)
               for port in ports]
    try:
        for port in ports:
            _wait(f"http://127.0.0.1:{port}/privacy")
        statuses = [_post(f"http://127.0.0.1:{ports[i % 2]}/events/nowhere/register") for i in range(8)]
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=10)
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
    # 3 a minute in all, whichever process answers: each process alone would let 3 through
    assert statuses.count(429) == 5, statuses
    assert all(s != 429 for s in statuses[:3])


def test_production_refuses_to_start_with_rate_limits_in_memory():
    class Config(ProductionConfig):
        SECRET_KEY = "production-test"
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        RATELIMIT_STORAGE_URI = "memory://"

    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI is memory://"):
        create_app(Config)

    class Shared(Config):
        RATELIMIT_STORAGE_URI = REDIS_URL

    create_app(Shared)  # starts with shared storage
