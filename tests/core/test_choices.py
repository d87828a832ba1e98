"""A status declares its badge colours on its own choices; shared templates find them."""

from django.utils.translation import gettext_lazy as _

from core.choices import BadgeChoices
from core.templatetags.kopru import badge_class
from projects.choices import Health, ProjectStatus


def test_each_status_shows_the_colour_its_choices_declare():
    assert badge_class(ProjectStatus.ACTIVE) == "text-bg-primary"
    assert badge_class("off_track") == "text-bg-danger"
    assert badge_class("in_force") == "text-bg-success"


def test_every_value_of_the_projects_statuses_has_a_colour():
    for choices in (ProjectStatus, Health):
        assert set(choices.badges()) == set(choices)


def test_a_new_apps_status_needs_no_edit_in_shared_code():
    class DecisionStatus(BadgeChoices):
        TAKEN = "taken_for_test", _("Taken")

        @classmethod
        def badges(cls):
            return {cls.TAKEN: "text-bg-dark"}

    assert badge_class("taken_for_test") == "text-bg-dark"


def test_an_unknown_value_gets_the_neutral_colour():
    assert badge_class("no-such-status") == "text-bg-secondary"
