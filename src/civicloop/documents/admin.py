from django.contrib import admin

from civicloop.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import CorrectionOrder, DocumentDownload, DocumentVersion, GeneratedDocument


class VersionInline(ReadOnlyInline):
    model = DocumentVersion
    fields = ["number", "generated_at", "generated_by", "content_hash"]
    readonly_fields = fields


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "case", "subject", "issued_at", "issued_by"]
    list_filter = ["kind", "year"]
    search_fields = ["number", "case__number"]
    inlines = [VersionInline]


@admin.register(DocumentDownload)
class DocumentDownloadAdmin(ReadOnlyAdmin):
    list_display = ["at", "version", "user", "file_format", "channel", "ip_address"]
    list_filter = ["file_format", "channel"]


@admin.register(CorrectionOrder)
class CorrectionOrderAdmin(ReadOnlyAdmin):
    list_display = ["case", "issued_at", "due_on", "issued_by"]
