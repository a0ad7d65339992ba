"""The API's anonymous reads, answered from the shared response cache.

A hit costs what a cached public page costs: one cache round trip, before
sessions and authentication, which also makes the throttles' counts (cached
reads are throttled like any other: ``throttling.AnonymousReadCounts`` rides
along with the look-up). A reader over the rate goes on to the view, which
answers the 429; a miss runs the view, whose throttles take the count already
made rather than counting the request again. The response is stored once
every middleware below has finished it, so a hit carries the same headers
(CORS, CSP, frame options). Only responses the view marks as shared
(``newsroom_shared``: an anonymous JSON list or item) are stored; the entries
follow the cache's rules (``articles.cache``): any write or the next scheduled
publication makes them a miss.
"""

from articles import cache

from .throttling import AnonymousReadCounts

API_PREFIX = "/api/"


class CachedReadMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = None
        if request.path.startswith(API_PREFIX):
            state = cache.lookup(request, "api", along=AnonymousReadCounts)
            if state is not None and state.entry is not None and state.along.allowed:
                return state.response(request)
        response = self.get_response(request)
        if (
            state is not None
            and request.method == "GET"
            and getattr(response, "newsroom_shared", False)
        ):
            state.store(response)
        return response
