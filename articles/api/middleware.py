"""The API's anonymous reads, answered from the shared response cache.

A hit costs what a cached public page costs (one cache round trip, before
sessions and authentication) plus the throttle's count: cached reads are
throttled like any other (``throttling.allow_cached_read``); a reader over
the rate goes on to the view, which answers the 429. A miss runs the view,
and its response is stored once every middleware below has finished it, so a
hit carries the same headers (CORS, CSP, frame options). Only responses the
view marks as shared (``newsroom_shared``: an anonymous JSON list or item) are
stored; the entries follow the cache's rules (``articles.cache``): any write
or the next scheduled publication makes them a miss.
"""

from articles import cache

from .throttling import allow_cached_read

API_PREFIX = "/api/"


class CachedReadMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = None
        if request.path.startswith(API_PREFIX):
            state = cache.lookup(request, "api")
            if (
                state is not None
                and state.entry is not None
                and allow_cached_read(request)
            ):
                return state.response(request)
        response = self.get_response(request)
        if (
            state is not None
            and request.method == "GET"
            and getattr(response, "newsroom_shared", False)
        ):
            state.store(response)
        return response
