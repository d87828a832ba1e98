"""The public app's cast: the two parties of a protocol, a manager of each, and records to publish."""

import pytest

from core.roles import MANAGERS_GROUP
from public.services import publication_agree, publication_propose
from tests.conftest import _member
from tests.factories import ProtocolFactory, ProtocolPartyFactory


@pytest.fixture
def parties(izmir_teknoloji, isbak):
    """İzmir Teknoloji and İSBAK as the parties of the protocol."""
    protocol = ProtocolFactory()
    ProtocolPartyFactory(protocol=protocol, organization=izmir_teknoloji, signatory_name="Gizli İmzacı Bir")
    ProtocolPartyFactory(protocol=protocol, organization=isbak, signatory_name="Gizli İmzacı İki")
    return protocol


@pytest.fixture
def isbak_manager(isbak):
    """Kerem, a manager at İSBAK."""
    return _member("isbak.manager", isbak, MANAGERS_GROUP)


@pytest.fixture
def publish(parties, izmir_staff, manager, isbak_manager):
    """`publish(record)`: proposed by İzmir staff, agreed by a manager of each party."""

    def run(record):
        publication = publication_propose(record=record, user=izmir_staff)
        publication_agree(publication=publication, user=manager)
        return publication_agree(publication=publication, user=isbak_manager)

    return run
