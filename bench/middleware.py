"""Counts each request's database queries (``X-Queries``) and the CPU time its
worker process spent on it (``X-CPU-ms``, Python's work without the database's).

It sits outermost, so a response served from the response cache reports 0
queries. CPU time, unlike latency, hardly depends on what else the machine runs.
"""

import time

from django.db import connections


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.process_time()
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        wrappers = [
            connections[alias].execute_wrapper(counter) for alias in connections
        ]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response["X-Queries"] = str(count[0])
        response["X-CPU-ms"] = f"{(time.process_time() - started) * 1000:.2f}"
        return response
