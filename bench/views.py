"""The floor: the fastest page this stack can serve on this machine."""

from django.shortcuts import render


def floor(request):
    """A bare view rendering a trivial template.

    It passes through the same middleware (session, signed-in user, CSRF, CSP, …), server and
    settings as every Köprü page, and like them it requires a signed-in user, so whatever a
    page costs beyond this is the page's own work.
    """
    return render(request, "bench/floor.html")
