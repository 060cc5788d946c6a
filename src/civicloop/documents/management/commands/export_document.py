"""``civicloop export document --case NUMBER --kind KIND [--subject S] [--document-version N] --as USERNAME FILE``:
a case's document, issued (numbered) on first export, written as Word or — with LibreOffice — PDF.
The export is logged like a download from the pages."""

from __future__ import annotations

import argparse
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.cases.models import Case
from civicloop.core.errors import DomainError
from civicloop.core.management.commandline import LocalisedCommand, actor_from_username
from civicloop.documents import pdf, services
from civicloop.documents.availability import slots
from civicloop.documents.choices import TITLES, DocumentKind, FileFormat
from civicloop.documents.models import GeneratedDocument

SUFFIXES = {".docx": FileFormat.DOCX, ".pdf": FileFormat.PDF}


def kind_from(value: str) -> str:
    """A kind by its code (penalty_decision) or its Chinese title (行政处罚决定书)."""
    if value in DocumentKind.values:
        return value
    for kind, title in TITLES.items():
        if value == title:
            return kind
    raise CommandError(
        _("Unknown kind of document “%(kind)s”; one of: %(kinds)s.")
        % {"kind": value, "kinds": ", ".join(DocumentKind.values)}
    )


def _version_number(value: str) -> int:
    """--document-version: a version number, 1 or more."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(
            _("Give a version number (1, 2, …), not “%(value)s”.") % {"value": value}
        )
    return int(value)


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Export a case's document (立案审批表 … 结案审批表) as .docx, or .pdf when LibreOffice is installed, as "
        "the --as user sees it: only the case's handlers, responsible persons and legal reviewers may. The "
        "number is taken on the first export and kept; the export is logged."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help=gettext_lazy("the .docx or .pdf file to write"))
        parser.add_argument(
            "--case", required=True, metavar="NUMBER", help=gettext_lazy("the case number")
        )
        parser.add_argument(
            "--kind",
            required=True,
            help=format_lazy(
                gettext_lazy("one of: {kinds} (or the Chinese title)"),
                kinds=", ".join(DocumentKind.values),
            ),
        )
        parser.add_argument(
            "--subject",
            default=None,
            help=gettext_lazy("which one, when the case has several of the kind (e.g. notice-12)"),
        )
        parser.add_argument(
            "--document-version",
            dest="document_version",
            type=_version_number,
            default=None,
            metavar="N",
            help=gettext_lazy("an earlier version as it was issued"),
        )
        parser.add_argument(
            "--as", dest="username", metavar="USERNAME", help=gettext_lazy("who exports it")
        )

    def handle(self, *args, file, case, kind, subject, document_version, username, **options):
        path = Path(file)
        file_format = SUFFIXES.get(path.suffix.lower())
        if file_format is None:
            raise CommandError(_("Give a file name ending in .docx or .pdf."))
        if file_format == FileFormat.PDF and not pdf.pdf_available():
            raise CommandError(str(pdf.unavailable_note()))
        actor = actor_from_username(username)
        found = Case.objects.visible_to(actor).filter(number=case).first()
        if found is None:
            raise CommandError(
                _("No case %(number)s is visible to %(user)s.")
                % {"number": case, "user": actor.username}
            )
        kind = kind_from(kind)
        if subject is None:
            subjects = [s.subject for s in slots(found) if s.kind == kind]
            if not subjects:
                raise CommandError(
                    _("The case has no “%(document)s” at this stage.")
                    % {"document": DocumentKind(kind).label}
                )
            if len(subjects) > 1:
                raise CommandError(
                    _("The case has several; say which with --subject: %(subjects)s.")
                    % {"subjects": ", ".join(subjects)}
                )
            subject = subjects[0]
        try:
            if document_version is None:
                result = services.download(
                    found,
                    by=actor,
                    file_format=file_format,
                    channel="cli",
                    kind=kind,
                    subject=subject,
                )
            else:
                document = GeneratedDocument.objects.filter(
                    case=found, kind=kind, subject=subject
                ).first()
                if document is None:
                    raise CommandError(_("This document has not been issued yet."))
                result = services.download(
                    found,
                    by=actor,
                    file_format=file_format,
                    channel="cli",
                    document_pk=document.pk,
                    version=document_version,
                )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(result.data)
        self.stdout.write(
            _("Wrote %(title)s %(number)s (version %(version)d) to %(file)s; the export is logged.")
            % {
                "title": TITLES[kind],
                "number": result.version.document.number,
                "version": result.version.number,
                "file": path,
            }
        )
