from __future__ import annotations

from django.test import override_settings

from humas import codes


def test_a_new_code_is_twelve_crockford_characters_and_differs_each_time():
    made = {codes.new_code() for _ in range(200)}
    assert len(made) == 200
    assert all(len(c) == 12 and set(c) <= set(codes.ALPHABET) for c in made)


def test_what_a_person_types_is_forgiven_into_the_bare_code():
    assert codes.normalise("adu-7kq2 m9xd-4tnp", "ADU") == "7KQ2M9XD4TNP"
    assert codes.normalise("7KQ2-M9XD-4TNO", "ADU") == "7KQ2M9XD4TN0"
    assert codes.normalise("ADU-7KQ2", "ADU") is None
    assert codes.normalise("", "ADU") is None


def test_display_groups_the_code_behind_its_prefix():
    assert codes.display("7KQ2M9XD4TNP", "INF") == "INF-7KQ2-M9XD-4TNP"


def test_the_digest_is_keyed_and_old_keys_still_match():
    code = codes.new_code()
    with override_settings(SECRET_KEY="old-key-" + "x" * 50):
        stored = codes.digest(code)
    assert len(stored) == codes.DIGEST_LENGTH and code not in stored
    assert not codes.matches(code, stored)
    with override_settings(SECRET_KEY_FALLBACKS=["old-key-" + "x" * 50]):
        assert codes.matches(code, stored)
        assert not codes.matches(codes.new_code(), stored)


def test_a_sealed_code_holds_nothing_readable_and_opens_only_for_its_purpose():
    code = codes.new_code()
    sealed = codes.seal(code, "complaint-receipt:7")
    assert code not in sealed.upper() and len(sealed) == 15
    assert codes.unseal(sealed, "complaint-receipt:7") == code
    assert codes.unseal(sealed, "complaint-receipt:8") != code
