"""Every write of the Open311 app: API keys, and service requests entering the event loop.

A service request becomes an event through the one intake function of the loop,
``events.services.create_event(by=None, source=Source.OPEN311, …)`` — the same path as
every other source — and an :class:`Open311Request` row attributes it to the client.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.core import uploads
from civicloop.core.errors import InvalidInput
from civicloop.events import services as event_services
from civicloop.events.choices import Source
from civicloop.events.models import Category
from civicloop.org.choices import RegionLevel
from civicloop.org.divisions import county_outline
from civicloop.org.geo import point_in_multipolygon, wgs84_to_gcj02
from civicloop.org.models import Region

from . import catalogue, conf, parsing
from .choices import AttributeBinding, AttributeDatatype
from .errors import Open311Error, Problems
from .models import DEFAULT_RATE_LIMIT, Open311Client, Open311Request

KEY_PREFIX = "o311_"
# The spec limits descriptions to 4,000 characters; our intake rule may be stricter.
MAX_DESCRIPTION = min(4000, event_services.MAX_DESCRIPTION)
MAX_NAME = 30
MAX_STRING_ATTRIBUTE = 200
MAX_TEXT_ATTRIBUTE = 2000


# --- API keys ------------------------------------------------------------------------


def hash_key(raw_key: str) -> str:
    """SHA-256 of the key. Keys are 256-bit random, so a fast digest is enough (nothing to
    guess), and it lets a request find its client by an indexed lookup."""
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


def _new_key() -> tuple[str, str, str]:
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    return raw, raw[:12], hash_key(raw)


def _clean_client_fields(name: str, contact: str, rate_limit: int) -> tuple[str, str, int]:
    name, contact = (name or "").strip(), (contact or "").strip()
    if not name:
        raise InvalidInput(_("Give the client a name."), field="name")
    if len(name) > 100:
        raise InvalidInput(
            _("At most %(n)d characters are allowed (you gave %(m)d).")
            % {"n": 100, "m": len(name)},
            field="name",
        )
    if len(contact) > 200:
        raise InvalidInput(
            _("At most %(n)d characters are allowed (you gave %(m)d).")
            % {"n": 200, "m": len(contact)},
            field="contact",
        )
    if not isinstance(rate_limit, int) or not 1 <= rate_limit <= 100000:
        raise InvalidInput(
            _("The rate limit is a whole number of requests per minute, 1 to 100000."),
            field="rate_limit",
        )
    return name, contact, rate_limit


@transaction.atomic
def issue_key(
    *, name: str, contact: str = "", rate_limit: int = DEFAULT_RATE_LIMIT
) -> tuple[Open311Client, str]:
    """A new client with a new key. Returns the client and the key — the only time the
    key exists outside the caller's hands."""
    name, contact, rate_limit = _clean_client_fields(name, contact, rate_limit)
    if Open311Client.objects.filter(name=name).exists():
        raise InvalidInput(
            _("There is already a client named “%(name)s”.") % {"name": name}, field="name"
        )
    raw, prefix, digest = _new_key()
    client = Open311Client.objects.create(
        name=name, contact=contact, rate_limit=rate_limit, key_prefix=prefix, key_hash=digest
    )
    return client, raw


@transaction.atomic
def reissue_key(client: Open311Client) -> str:
    """Replace the client's key (the old one stops working at once) and activate it."""
    client = Open311Client.objects.select_for_update().get(pk=client.pk)
    raw, prefix, digest = _new_key()
    client.key_prefix, client.key_hash = prefix, digest
    client.is_active, client.revoked_at = True, None
    client.save(update_fields=["key_prefix", "key_hash", "is_active", "revoked_at"])
    return raw


@transaction.atomic
def revoke_key(client: Open311Client) -> Open311Client:
    client = Open311Client.objects.select_for_update().get(pk=client.pk)
    if client.is_active:
        client.is_active, client.revoked_at = False, timezone.now()
        client.save(update_fields=["is_active", "revoked_at"])
    return client


def authenticate(raw_key: str | None) -> Open311Client:
    """The active client holding ``raw_key``; 403 in the spec's words otherwise."""
    raw_key = (raw_key or "").strip()
    if not raw_key:
        raise Open311Error(
            403, _("api_key is missing: this method needs the key issued to your application.")
        )
    client = Open311Client.objects.filter(key_hash=hash_key(raw_key)).first()
    if client is None:
        raise Open311Error(403, _("Invalid api_key received: no client holds this key."))
    if not client.is_active:
        raise Open311Error(403, _("This api_key has been revoked."))
    now = timezone.now()
    if client.last_used_at is None or client.last_used_at < now - dt.timedelta(minutes=1):
        # At most one write a minute per client, whatever the traffic.
        Open311Client.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
    return client


# --- jurisdiction --------------------------------------------------------------------------


def check_jurisdiction(value: str | None) -> None:
    """We serve one jurisdiction, so the argument is optional; a wrong one is a 404 (spec)."""
    value = (value or "").strip().lower()
    if value and value not in conf.jurisdiction_ids():
        raise Open311Error(
            404,
            _("jurisdiction_id “%(value)s” was not found: this endpoint serves %(known)s.")
            % {"value": value, "known": ", ".join(conf.jurisdiction_ids())},
        )


# --- POST requests ---------------------------------------------------------------------------


@dataclass
class Submission:
    """The arguments of a POST Service Request, checked for shape (types, lengths)."""

    service_code: str = ""
    lat: float | None = None
    long: float | None = None
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    description: str = ""
    media_url: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)
    media: list = field(default_factory=list)


_LIMITS = {
    "address_string": 200,
    "address_id": 15,
    "email": 254,
    "device_id": 200,
    "account_id": 200,
    "first_name": MAX_NAME,
    "last_name": MAX_NAME,
    "phone": 20,
    "description": MAX_DESCRIPTION,
    "media_url": 500,
}


def read_submission(data, files=None) -> Submission:
    """Read the form (urlencoded or multipart); report every problem of shape at once (400)."""
    problems = Problems()
    sub = Submission()

    def text(name: str) -> str:
        value = (data.get(name) or "").strip()
        limit = _LIMITS.get(name)
        if limit and len(value) > limit:
            problems.add(
                400,
                _("%(name)s is too long: at most %(n)d characters are allowed (you gave %(m)d).")
                % {"name": name, "n": limit, "m": len(value)},
            )
        return value

    sub.service_code = (data.get("service_code") or "").strip()
    if not sub.service_code:
        problems.add(400, _("service_code was not provided."))
    for name in (
        "address_string",
        "address_id",
        "email",
        "device_id",
        "account_id",
        "first_name",
        "last_name",
        "phone",
        "description",
        "media_url",
    ):
        setattr(sub, name, text(name))
    lat, lng = (data.get("lat") or "").strip(), (data.get("long") or "").strip()
    if bool(lat) != bool(lng):
        problems.add(400, _("Send both lat and long, or neither."))
    elif lat:
        try:
            sub.lat = parsing.coordinate(lat, name="lat", limit=90)
            sub.long = parsing.coordinate(lng, name="long", limit=180)
        except ValueError as exc:
            problems.add(400, str(exc))
    if not (lat or lng or sub.address_string or sub.address_id):
        problems.add(400, _("A location is required: lat and long, address_string or address_id."))
    if sub.email:
        try:
            EmailValidator()(sub.email)
        except ValidationError:
            problems.add(
                400, _("email “%(value)s” is not a valid email address.") % {"value": sub.email}
            )
    if sub.media_url:
        try:
            URLValidator(schemes=["http", "https"])(sub.media_url)
        except ValidationError:
            problems.add(400, _("media_url must be an http or https URL."))
    sub.attributes = parsing.attribute_values(data)
    sub.media = list(files.getlist("media")) if files is not None else []
    problems.raise_if_any()
    return sub


def _reporter_name(first: str, last: str) -> str:
    """Family name first for Chinese names (张 + 三 → 张三), given name first otherwise."""
    if first and last and all("\u4e00" <= ch <= "\u9fff" for ch in first + last):
        return last + first
    return " ".join(part for part in (first, last) if part)


def _reporter_phone(phone: str) -> str:
    phone = re.sub(r"[\s()]", "", phone)
    return re.sub(r"^(\+86|0086)-?", "", phone)


@dataclass
class AttributeAnswers:
    stored: dict[str, object]
    occurred_at: dt.datetime | None = None
    is_anonymous: bool = False


def check_attributes(category: Category, given: dict[str, list[str]]) -> AttributeAnswers:
    """Check the answers against the service definition; all problems at once (400)."""
    problems = Problems()
    definitions = {a.code: a for a in catalogue.attributes_for(category.code)}
    unknown = sorted(set(given) - {c for c, a in definitions.items() if a.variable})
    if unknown:
        problems.add(
            400,
            _("Service %(service)s has no attribute %(codes)s (see services/%(service)s).")
            % {"service": category.code, "codes": ", ".join(unknown)},
        )
    answers = AttributeAnswers(stored={})
    for code, attribute in definitions.items():
        if not attribute.variable:
            continue
        values = given.get(code, [])
        label = f"attribute[{code}]"
        if not values:
            if attribute.required:
                problems.add(
                    400,
                    _("%(label)s is required: %(question)s")
                    % {"label": label, "question": attribute.description},
                )
            continue
        if attribute.datatype != AttributeDatatype.MULTIVALUELIST and len(values) > 1:
            problems.add(400, _("%(label)s takes one value.") % {"label": label})
            continue
        value = values[0]
        try:
            answers.stored[code] = _attribute_value(attribute, values, value, label)
        except ValueError as exc:
            problems.add(400, str(exc))
            continue
        if attribute.binding == AttributeBinding.OCCURRED_AT:
            answers.occurred_at = dt.datetime.fromisoformat(answers.stored[code])
        elif attribute.binding == AttributeBinding.ANONYMOUS:
            answers.is_anonymous = value == "yes"
    problems.raise_if_any()
    return answers


def _attribute_value(attribute, values: list[str], value: str, label: str):
    kind = attribute.datatype
    if kind == AttributeDatatype.STRING:
        if "\n" in value or "\r" in value or len(value) > MAX_STRING_ATTRIBUTE:
            raise ValueError(
                _("%(label)s must be one line of at most %(n)d characters.")
                % {"label": label, "n": MAX_STRING_ATTRIBUTE}
            )
        return value
    if kind == AttributeDatatype.TEXT:
        if len(value) > MAX_TEXT_ATTRIBUTE:
            raise ValueError(
                _("%(label)s is too long: at most %(n)d characters are allowed.")
                % {"label": label, "n": MAX_TEXT_ATTRIBUTE}
            )
        return value
    if kind == AttributeDatatype.NUMBER:
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(
                _("%(label)s must be a number (got “%(value)s”).")
                % {"label": label, "value": value}
            )
        return int(number) if number.is_integer() else number
    if kind == AttributeDatatype.DATETIME:
        return parsing.w3_datetime(value, name=label).isoformat()
    keys = attribute.value_keys()
    chosen = list(dict.fromkeys(values))
    wrong = [v for v in chosen if v not in keys]
    if wrong:
        raise ValueError(
            _("%(label)s: “%(value)s” is not one of the choices (%(keys)s).")
            % {"label": label, "value": wrong[0], "keys": ", ".join(keys)}
        )
    return chosen if kind == AttributeDatatype.MULTIVALUELIST else chosen[0]


def county_name() -> str:
    county = Region.objects.filter(
        level=RegionLevel.COUNTY, code__startswith=conf.county_code()
    ).first()
    return county.name if county else conf.county_code()


def check_point_in_county(lat: float, lng: float) -> None:
    """WGS-84 point inside the county outline (converted to its datum, GCJ-02), or 400."""
    outline = county_outline(conf.county_code())
    if outline is None:
        return  # without an outline, intake still refuses points far from every grid
    glng, glat = wgs84_to_gcj02(lng, lat)
    if not point_in_multipolygon(glng, glat, outline):
        raise Open311Error(
            400,
            _(
                "The point lat=%(lat)s, long=%(long)s (WGS-84) lies outside "
                "%(county)s: this endpoint takes requests from within the county "
                "only."
            )
            % {"lat": lat, "long": lng, "county": county_name()},
        )


def _region_from_address_id(address_id: str) -> Region:
    region = Region.objects.filter(code=address_id).exclude(level=RegionLevel.COUNTY).first()
    if region is None or not region.code.startswith(conf.county_code()):
        raise Open311Error(
            400,
            _("address_id “%(value)s” is not a town, village or grid code of %(county)s.")
            % {"value": address_id, "county": county_name()},
        )
    return region


def submit_request(*, client: Open311Client, submission: Submission) -> Open311Request:
    """POST Service Request: a new event in the loop, attributed to ``client``.

    Raises :class:`Open311Error`: 404 for an unknown or retired service code (the spec's
    "service_code was not found"), 400 for anything else the request gets wrong.
    """
    sub = submission
    category = catalogue.find_service(sub.service_code)
    if category is None:
        raise Open311Error(
            404,
            _("service_code “%(code)s” was not found (see services.xml).")
            % {"code": sub.service_code},
        )
    answers = check_attributes(category, sub.attributes)
    region = _region_from_address_id(sub.address_id) if sub.address_id else None
    if sub.lat is not None and sub.long is not None:
        check_point_in_county(sub.lat, sub.long)
    # Files are checked and stored before the transaction (nothing is written inside it);
    # create_event checks them again and finds them already stored.
    media = sub.media
    try:
        for upload in uploads.check_uploads(media):
            uploads.store(upload)
        for f in media:
            f.seek(0)
        with transaction.atomic():
            event = event_services.create_event(
                by=None,
                source=Source.OPEN311,
                description=sub.description or category.name,
                category=category,
                occurred_at=answers.occurred_at,
                location=event_services.Location(
                    region=region,
                    latitude=sub.lat,
                    longitude=sub.long,
                    datum="wgs84",
                    address=sub.address_string,
                ),
                reporter_name=_reporter_name(sub.first_name, sub.last_name),
                reporter_phone=_reporter_phone(sub.phone),
                is_anonymous=answers.is_anonymous,
                attachments=media,
            )
            return Open311Request.objects.create(
                event=event,
                client=client,
                service_code=category.code,
                attributes=answers.stored,
                address_string=sub.address_string,
                address_id=sub.address_id,
                email=sub.email,
                device_id=sub.device_id,
                account_id=sub.account_id,
                media_url=sub.media_url,
            )
    except InvalidInput as exc:
        raise Open311Error(
            400,
            _("%(field)s: %(message)s")
            % {
                "field": _FIELD_NAMES.get(exc.field or "", exc.field or "request"),
                "message": exc.message,
            },
        ) from exc


# Our intake's field names → the Open311 argument the client sent.
_FIELD_NAMES = {
    "description": "description",
    "title": "description",
    "reporter_name": "first_name/last_name",
    "reporter_phone": "phone",
    "occurred_at": "attribute[occurred_at]",
    "address": "address_string",
    "region": "address_string",
    "latitude": "lat/long",
    "attachments": "media",
    "category": "service_code",
}
