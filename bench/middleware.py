"""Bench-only: how many SQL queries a request ran, in an X-Query-Count header."""

from django.db import connection


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
