"""Reads of public material from the replica, when ``DATABASE_REPLICA_URL`` is set.

Only anonymous requests read from it, and only once the last write is older than
``DATABASE_REPLICA_LAG`` (``articles.cache.PublicCacheMiddleware`` decides, per
request). Everything else (writes, the admin, editors, sessions, commands) uses
the primary, and migrations run on the primary only.
"""

from articles.cache import public_read

REPLICATED_APPS = {"articles"}


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label in REPLICATED_APPS and public_read.get():
            return "replica"
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
