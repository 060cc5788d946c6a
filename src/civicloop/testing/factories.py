"""factory_boy factories for the domain models."""

from __future__ import annotations

import factory
from django.contrib.auth.hashers import make_password

from civicloop.matters.models import Category
from civicloop.org.choices import RegionLevel, UnitKind
from civicloop.org.models import Post, Region, Unit, User

TEST_PASSWORD = "Test-Passw0rd!"
_HASH = None


def _password_hash() -> str:
    global _HASH
    if _HASH is None:
        _HASH = make_password(TEST_PASSWORD)
    return _HASH


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    phone = "13800000000"
    password = factory.LazyFunction(_password_hash)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"区域{n}")
    level = RegionLevel.VILLAGE


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"单位{n}")
    code = factory.Sequence(lambda n: f"unit-{n}")
    kind = UnitKind.SQUAD


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cat-{n}")
    name = factory.Sequence(lambda n: f"类别{n}")
