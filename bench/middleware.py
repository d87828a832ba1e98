"""Bench-only middleware: how many SQL queries a request ran (X-Query-Count), and the
dashboard measured as if someone had just written (`?bench-uncached`)."""

from django.db import connection

from core.cache import bump_data_version

UNCACHED_PARAMETER = "bench-uncached"


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class QueryCountMiddleware:
    """Count the queries of everything below this middleware (it is the outermost one).

    A streamed response (the CSV export) runs most of its queries after the headers have
    gone, so its header counts only those before the first byte; `bench.analyse` counts
    the whole response in-process.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Query-Count"] = str(counter.count)
        if response.streaming:
            response["X-Query-Count-Streamed"] = "before-body"
        return response


class UncachedMiddleware:
    """With `?bench-uncached` in the URL, bump the data version before the request, as a
    write would: every cached figure is then out of date, and the page computes its own.

    It is outside the query counter, and `bench.analyse` leaves its UPDATE out: the bump
    stands for someone else's write, not for the page's work.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if UNCACHED_PARAMETER in request.GET:
            bump_data_version()
        return self.get_response(request)
