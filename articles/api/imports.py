"""``POST /api/v1/imports/``: the importer for scrapers.

A preview (``commit`` false) extracts and resolves the page and saves nothing; a
commit saves it through the importer's one transaction. Both answer
``{"extraction", "resolution", "result"}``. The importer does the work; this
view only speaks HTTP.
"""

import base64
import binascii

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.importer.errors import ImportRefused
from articles.importer.extract import Gazetteer, extract_page
from articles.importer.resolve import resolve
from articles.permissions import can_publish
from articles.services import ImportConflict, article_import

from .exceptions import RequestTooLarge


class ImportConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The source was imported before and its article has changed.")
    default_code = "conflict"


class PageRefused(exceptions.APIException):
    """The importer refused the page: its Chinese message and its code
    (``empty``, ``binary``, ``no_chinese``, ``no_body``…)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("The page cannot be imported.")
    default_code = "refused"


class ImportRequestSerializer(serializers.Serializer):
    content = serializers.CharField(
        required=False,
        trim_whitespace=False,
        allow_blank=True,
        help_text=_("The page as text or HTML."),
    )
    content_base64 = serializers.CharField(
        required=False,
        help_text=_(
            "The page's raw bytes, base64-encoded, in any encoding (UTF-8, "
            "GB18030/GBK, Big5 are detected). Send this or `content`."
        ),
    )
    filename = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=255,
        help_text=_("The page's file name, a hint for telling HTML from text."),
    )
    source_url = serializers.URLField(
        required=False,
        default="",
        allow_blank=True,
        max_length=500,
        help_text=_(
            "Where the page was fetched; identifies the source on re-import "
            "(else a hash of its title and body does)."
        ),
    )
    commit = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Save the article (a draft). False: preview only, nothing saved."),
    )
    publish = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Publish the saved article (chief editors only; needs commit)."),
    )

    def validate(self, attrs):
        has_text = "content" in attrs
        has_bytes = "content_base64" in attrs
        if has_text == has_bytes:
            raise serializers.ValidationError(
                _("Send exactly one of `content` and `content_base64`.")
            )
        if has_bytes:
            try:
                attrs["data"] = base64.b64decode(attrs["content_base64"], validate=True)
            except (binascii.Error, ValueError):
                raise serializers.ValidationError(
                    {"content_base64": [_("This is not valid base64.")]}
                ) from None
        else:
            attrs["data"] = attrs["content"]
        if attrs["publish"] and not attrs["commit"]:
            raise serializers.ValidationError(
                {"publish": [_("A preview cannot publish: send commit too.")]}
            )
        return attrs


class ExtractedArticleSerializer(serializers.Serializer):
    title = serializers.CharField()
    subtitle = serializers.CharField()
    published_at = serializers.CharField(allow_null=True)
    source = serializers.CharField()
    publisher = serializers.CharField()
    section = serializers.CharField()
    source_url = serializers.CharField()
    lede = serializers.CharField()
    paragraphs = serializers.ListField(child=serializers.CharField())
    captions = serializers.ListField(child=serializers.CharField())
    credits = serializers.ListField(child=serializers.DictField())
    bylines = serializers.DictField()
    truncated = serializers.BooleanField()


class SpanField(serializers.ListField):
    child = serializers.IntegerField()


class ExtractedPersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    titles = serializers.ListField(child=serializers.CharField())
    organizations = serializers.ListField(child=serializers.CharField())
    spans = serializers.ListField(child=SpanField())


class ExtractedOrganizationSerializer(serializers.Serializer):
    name = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())
    spans = serializers.ListField(child=SpanField())


class ExtractedDirectiveSerializer(serializers.Serializer):
    issuer = serializers.CharField()
    group = serializers.CharField(allow_null=True)
    ordinal = serializers.IntegerField(allow_null=True)
    text = serializers.CharField()
    kind = serializers.CharField()
    span = SpanField(help_text=_("[start, end) of the text in the body."))
    set = serializers.IntegerField(help_text=_("Which set of the article (0-based)."))
    truncated = serializers.BooleanField()
    addressees = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("The organizations the set is addressed to, by extracted name."),
    )


class ExtractionSerializer(serializers.Serializer):
    """The importer's JSON contract (``import_article --json``)."""

    article = ExtractedArticleSerializer()
    persons = ExtractedPersonSerializer(many=True)
    organizations = ExtractedOrganizationSerializer(many=True)
    directives = ExtractedDirectiveSerializer(many=True)
    warnings = serializers.ListField(child=serializers.CharField())


class MatchSerializer(serializers.Serializer):
    name = serializers.CharField()
    status = serializers.CharField(help_text=_("How the name resolved: new, existing…"))
    id = serializers.IntegerField(allow_null=True)
    candidates = serializers.ListField(child=serializers.IntegerField())


class OrganizationMatchSerializer(MatchSerializer):
    matched_name = serializers.CharField(allow_null=True)
    new_aliases = serializers.ListField(child=serializers.CharField())


class PersonMatchSerializer(MatchSerializer):
    reason = serializers.CharField()


class PositionMatchSerializer(serializers.Serializer):
    person = serializers.CharField()
    title = serializers.CharField()
    organization = serializers.CharField(allow_null=True)
    status = serializers.CharField()


class ResolutionSerializer(serializers.Serializer):
    organizations = OrganizationMatchSerializer(many=True)
    persons = PersonMatchSerializer(many=True)
    positions = PositionMatchSerializer(many=True)
    warnings = serializers.ListField(child=serializers.CharField())


class ImportResultSerializer(serializers.Serializer):
    article_id = serializers.IntegerField()
    slug = serializers.CharField()
    status = serializers.CharField()
    created = serializers.BooleanField(
        help_text=_("False when an earlier import's draft was updated.")
    )
    new_people = serializers.ListField(child=serializers.CharField())
    new_organizations = serializers.ListField(child=serializers.CharField())
    new_positions = serializers.ListField(child=serializers.CharField())
    resolution = ResolutionSerializer()
    warnings = serializers.ListField(child=serializers.CharField())


class ImportResponseSerializer(serializers.Serializer):
    extraction = ExtractionSerializer()
    resolution = ResolutionSerializer()
    result = ImportResultSerializer(
        allow_null=True, help_text=_("What was saved; null for a preview.")
    )


class CanImport(permissions.BasePermission):
    """Signed in (token or session) with ``articles.add_article``."""

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user and user.is_authenticated and user.has_perm("articles.add_article")
        )


class ImportView(APIView):
    permission_classes = [CanImport]

    @extend_schema(
        operation_id="imports_create",
        tags=["imports"],
        request=ImportRequestSerializer,
        responses={
            200: OpenApiResponse(
                ImportResponseSerializer,
                description=_(
                    "A preview (nothing saved), or an earlier import's draft updated."
                ),
            ),
            201: OpenApiResponse(
                ImportResponseSerializer, description=_("The draft was created.")
            ),
        },
        summary=_("Import a scraped page"),
        description=_(
            "Extract an article from a scraped page (text or HTML) with the people, "
            "organizations and directive sets it names. With `commit` false (the "
            "default) nothing is saved: the answer previews what would be created. "
            "With `commit` true the page is saved as a draft in one transaction "
            "(201), or an earlier import of the same source is updated (200); an "
            "article edited or published since is a 409. A page the importer "
            "refuses (empty, binary, no Chinese text, no body) is a 400 with its "
            "code; a page over 2 MB is a 413. Needs the permission to add "
            "articles; `publish` needs the permission to publish."
        ),
    )
    def post(self, request):
        payload = ImportRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        options = payload.validated_data
        if options["publish"] and not can_publish(request.user):
            raise exceptions.PermissionDenied(
                _("Only chief editors may publish articles.")
            )
        try:
            extraction = extract_page(
                options["data"],
                filename=options["filename"],
                gazetteer=Gazetteer.for_text,
            )
            if options["source_url"]:
                extraction.page.source_url = options["source_url"]
            result = None
            if options["commit"]:
                result = article_import(
                    extraction=extraction,
                    user=request.user,
                    publish=options["publish"],
                )
                resolution = result.resolution
            else:
                resolution = resolve(extraction)
        except ImportConflict as error:
            raise ImportConflictError(error.message) from error
        except ImportRefused as error:
            if error.code == "too_large":
                raise RequestTooLarge(error.message) from error
            raise PageRefused(error.message, code=error.code) from error
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from error
        except DjangoValidationError as error:
            raise exceptions.ValidationError({"content": error.messages}) from error
        body = {
            "extraction": extraction.as_json(),
            "resolution": resolution.as_json(),
            "result": result.as_json() if result is not None else None,
        }
        if result is None:
            code = status.HTTP_200_OK
        else:
            code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(body, status=code)
