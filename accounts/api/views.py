"""Signing up through the API: parse the body, call ``customer_register``, answer with a token."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.services import customer_register
from pivot_site.api_errors import DETAIL_ERROR


class RegisterSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)


class RegisteredSerializer(serializers.Serializer):
    token = serializers.CharField()
    id = serializers.IntegerField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()


class RegisterView(APIView):
    permission_classes = [permissions.AllowAny]
    # Slows down scripts creating accounts in bulk (the rate is in REST_FRAMEWORK's DEFAULT_THROTTLE_RATES).
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "register"

    @extend_schema(
        tags=["auth"],
        summary="Create a customer account",
        description="The e-mail address is the login. Answers with an API token for the new account.",
        request=RegisterSerializer,
        examples=[
            OpenApiExample(
                "Sign up",
                value={
                    "email": "camille@example.org",
                    "password": "une phrase longue",
                    "first_name": "Camille",
                    "last_name": "Martin",
                    "phone": "06 12 34 56 78",
                },  # fmt: skip
                request_only=True,
            )
        ],
        responses={
            201: RegisteredSerializer,
            400: OpenApiResponse(
                description=_("A missing or invalid field, a weak password or an e-mail already used.")
            ),
            429: OpenApiResponse(DETAIL_ERROR, description=_("Too many sign-ups from this address: try again later.")),
        },
        auth=[],
    )
    def post(self, request):
        body = RegisterSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = customer_register(**body.validated_data)
        token = Token.objects.create(user=user)
        data = {"token": token.key, "id": user.pk, "email": user.email, "first_name": user.first_name,
                "last_name": user.last_name}  # fmt: skip
        return Response(data, status=status.HTTP_201_CREATED)
