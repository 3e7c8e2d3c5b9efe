"""Where cached public pages are kept: the memory of each process, or Redis shared by app servers."""
from __future__ import annotations

import json
import threading
from collections import OrderedDict


class MemoryStore:
    """Entries in this process, the least recently used dropped past `max_bytes`."""

    def __init__(self, max_bytes=64 * 1024 * 1024):
        self.max_bytes = max_bytes
        self.size = 0
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, variant):
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None, None
            self.entries.move_to_end(key)
        meta, bodies = entry
        return meta, (bodies.get(variant) if variant else None)

    def get_body(self, key, variant):
        return self.get(key, variant)[1]

    def put(self, key, meta, bodies, ttl):
        size = sum(len(b) for b in bodies.values())
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= sum(len(b) for b in old[1].values())
            self.entries[key] = (meta, bodies)
            self.size += size
            while self.size > self.max_bytes and len(self.entries) > 1:
                _, (_, dropped) = self.entries.popitem(last=False)
                self.size -= sum(len(b) for b in dropped.values())

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.size = 0


class RedisStore:
    """Entries shared by every app server: one Redis hash per entry (meta and each encoding)."""

    def __init__(self, url, prefix):
        import redis

        self.client = redis.Redis.from_url(url)
        self.prefix = prefix

    def get(self, key, variant):
        fields = ["meta", variant] if variant else ["meta"]
        values = self.client.hmget(self.prefix + key, fields)
        if values[0] is None:
            return None, None
        return json.loads(values[0]), (values[1] if variant else None)

    def get_body(self, key, variant):
        return self.client.hget(self.prefix + key, variant)

    def put(self, key, meta, bodies, ttl):
        name = self.prefix + key
        with self.client.pipeline() as pipe:
            pipe.delete(name)
            pipe.hset(name, mapping={"meta": json.dumps(meta), **bodies})
            pipe.expire(name, max(1, int(ttl)))
            pipe.execute()

    def clear(self):
        """Delete this application's entries only (keys under its prefix)."""
        keys = list(self.client.scan_iter(match=self.prefix + "*", count=500))
        if keys:
            self.client.delete(*keys)
