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
            self._evict()

    def _evict(self):
        """Drop the least recently used entries past `max_bytes` (the lock is held)."""
        while self.size > self.max_bytes and len(self.entries) > 1:
            _, (_, dropped) = self.entries.popitem(last=False)
            self.size -= sum(len(b) for b in dropped.values())

    def merge(self, key, meta, bodies):
        """Add encodings to an entry (creating it when `meta` is given); used by TieredStore."""
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                if meta is None:
                    return
                entry = self.entries[key] = (meta, {})
            for variant, body in bodies.items():
                if variant not in entry[1]:
                    entry[1][variant] = body
                    self.size += len(body)
            self.entries.move_to_end(key)
            self._evict()

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


class TieredStore:
    """Redis shared by every app server, with the entries this process served kept in its memory.

    An entry's key holds the versions of what it shows (caching.py), so the bytes under a key
    never change: a copy kept here is as current as Redis's, and a cached answer (a 304 above all)
    needs no round trip to Redis once this process has served it. A new version is a new key,
    built once and shared through Redis; entries that end by themselves carry their end in `meta`,
    which the cache checks whichever tier answered.
    """

    def __init__(self, shared, local):
        self.shared = shared
        self.local = local

    def get(self, key, variant):
        meta, body = self.local.get(key, variant)
        if meta is not None and (variant is None or body is not None):
            return meta, body
        meta, body = self.shared.get(key, variant)
        if meta is not None:
            self.local.merge(key, meta, {variant: body} if variant and body is not None else {})
        return meta, body

    def get_body(self, key, variant):
        body = self.local.get_body(key, variant)
        if body is None:
            body = self.shared.get_body(key, variant)
            if body is not None:
                self.local.merge(key, None, {variant: body})
        return body

    def put(self, key, meta, bodies, ttl):
        self.shared.put(key, meta, bodies, ttl)
        self.local.put(key, meta, dict(bodies), ttl)

    def clear(self):
        self.shared.clear()
        self.local.clear()
