"""Representations of subscriptions and deliveries, and the bodies of the changes: they parse, the services decide."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shops.choices import Weekday
from shops.models import Depot, Member
from shops.permissions import WRITE, scope_queryset
from subscriptions.models import Delivery, Subscription
from subscriptions.selectors import members_of, subscription_counters

ID = {"min_value": 1, "max_value": 2**63 - 1}


class CountersSerializer(serializers.Serializer):
    """What the member has used of the subscription's allowances; a null maximum means no limit."""

    cancelled = serializers.IntegerField()
    max_cancellations = serializers.IntegerField(allow_null=True)
    postponed = serializers.IntegerField()
    doubled = serializers.IntegerField()
    window_starts_on = serializers.DateField(allow_null=True)
    window_ends_on = serializers.DateField(allow_null=True)
    window_used = serializers.IntegerField(help_text="Cancellations and postponements in the limited period.")
    window_max = serializers.IntegerField(allow_null=True)
    to_make_up = serializers.IntegerField(help_text="Cancelled baskets still to be made up by a doubling.")
    make_up_before = serializers.DateField(allow_null=True)


class SubscriptionSerializer(serializers.ModelSerializer):
    product = serializers.CharField(source="plan.offer.product.name", read_only=True)
    depot_name = serializers.CharField(source="depot.name", read_only=True)
    counters = serializers.SerializerMethodField()

    class Meta:
        model = Subscription
        fields = [
            "id",
            "organisation",
            "member",
            "plan",
            "product",
            "quantity",
            "depot",
            "depot_name",
            "weekday",
            "starts_on",
            "ends_on",
            "delivery_count",
            "price_per_delivery",
            "discount_percent",
            "funder",
            "counters",
        ]
        read_only_fields = fields

    @extend_schema_field(CountersSerializer)
    def get_counters(self, subscription) -> dict:
        counters = self.context.get("counters") or {}
        known = counters.get(subscription.pk)
        return (known or subscription_counters(subscription=subscription)).as_dict()


class DeliverySerializer(serializers.ModelSerializer):
    product = serializers.CharField(source="subscription.plan.offer.product.name", read_only=True)
    depot_name = serializers.CharField(source="depot.name", read_only=True)
    doubled = serializers.BooleanField(source="is_doubled", read_only=True, help_text="Two baskets this date.")
    moved_by_closure = serializers.SerializerMethodField(
        help_text="The depot is a closed depot's replacement; it moves back if the closure is cancelled."
    )

    class Meta:
        model = Delivery
        fields = [
            "id",
            "subscription",
            "product",
            "date",
            "depot",
            "depot_name",
            "status",
            "baskets",
            "doubled",
            "fee",
            "moved_by_closure",
            "postponed_to",
        ]
        read_only_fields = fields

    def get_moved_by_closure(self, delivery) -> bool:
        return delivery.closure_id is not None


class DeliveryQuerySerializer(serializers.Serializer):
    """``?from=&to=&subscription=`` on the list of deliveries (``from`` is a Python keyword: see get_fields)."""

    def get_fields(self):
        return {
            "from": serializers.DateField(required=False, help_text="First date (ISO, e.g. 2027-03-02)."),
            "to": serializers.DateField(required=False, help_text="Last date (ISO), included."),
            "subscription": serializers.IntegerField(**ID, required=False, help_text="Only this subscription's."),
        }

    def validate(self, attrs):
        if "from" in attrs and "to" in attrs and attrs["to"] < attrs["from"]:
            raise serializers.ValidationError({"to": [_("The last date must be on or after the first.")]})
        return attrs


class OverrideSerializer(serializers.Serializer):
    """Staff may override the plan's rules, saying why; the override is logged with the change."""

    override = serializers.BooleanField(
        default=False, help_text="Staff only: ignore the plan's notice, quotas and caps (a reason is required)."
    )
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class PostponeSerializer(OverrideSerializer):
    to_date = serializers.DateField(help_text="A delivery date of another week, where the basket is doubled.")


class ScopedMemberField(serializers.PrimaryKeyRelatedField):
    """A member of the organisations the requesting staff user works for (or one of the user's own records)."""

    default_error_messages = {"does_not_exist": _("No member of your organisations has this id.")}

    def get_queryset(self):
        user = self.context["request"].user
        return scope_queryset(user, super().get_queryset(), mode=WRITE) | members_of(user)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "enum": ["all"]},
            {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 1},
        ],
        "description": "`all`, or the ids of the deliveries to cancel.",
    }
)
class DeliveryChoiceField(serializers.Field):
    """``"all"`` (None: every delivery of the period) or a list of delivery ids."""

    default_error_messages = {"invalid": _("Give “all” or a list of delivery ids.")}

    def to_internal_value(self, data):
        if data == "all":
            return None
        ids = serializers.ListField(child=serializers.IntegerField(**ID), min_length=1, max_length=500)
        try:
            return ids.run_validation(data)
        except serializers.ValidationError:
            self.fail("invalid")

    def to_representation(self, value):
        return "all" if value is None else value


class AbsenceSerializer(OverrideSerializer):
    from_date = serializers.DateField()
    until_date = serializers.DateField()
    deliveries = DeliveryChoiceField()
    member = ScopedMemberField(
        queryset=Member.objects.all(),
        required=False,
        help_text="Staff: the absent member. Members leave it out: all their subscriptions count.",
    )

    def validate(self, attrs):
        """``members``: the chosen member, or every member record of the signed-in customer."""
        if "member" in attrs:
            attrs["members"] = [attrs["member"]]
            return attrs
        members = list(members_of(self.context["request"].user))
        if not members:
            raise serializers.ValidationError({"member": [_("Say which member is absent.")]})
        attrs["members"] = members
        return attrs


class ChangeDepotSerializer(OverrideSerializer):
    depot = serializers.PrimaryKeyRelatedField(queryset=Depot.objects.all())
    from_date = serializers.DateField()
    until_date = serializers.DateField(
        allow_null=True, required=False, default=None, help_text="Null: for the rest of the subscription."
    )
    access_code = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text="For a restricted depot."
    )


class ChangeDaySerializer(OverrideSerializer):
    weekday = serializers.ChoiceField(choices=Weekday.choices)
    from_date = serializers.DateField()
    depot = serializers.PrimaryKeyRelatedField(
        queryset=Depot.objects.all(), required=False, help_text="Empty: the subscription's depot."
    )
    access_code = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class DepotNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Depot
        fields = ["id", "name", "restricted", "public_note"]
        read_only_fields = fields


class SubscriptionChangeSerializer(serializers.Serializer):
    """The answer to a depot or day change."""

    subscription = SubscriptionSerializer()
    depot = DepotNoteSerializer(help_text="The depot delivered from then on, with its note for members.")
    moved = serializers.IntegerField(help_text="How many deliveries changed.")


class PostponedSerializer(serializers.Serializer):
    delivery = DeliverySerializer(help_text="The postponed delivery (status `postponed`).")
    to = DeliverySerializer(help_text="The delivery that receives the basket (doubled, or new past the calendar).")


class RefusalSerializer(serializers.Serializer):
    """What the API answers when a rule refuses a change (409) or the input is wrong for the rules (400)."""

    code = serializers.CharField(help_text="Stable and machine-readable, e.g. `notice_too_short`.")
    detail = serializers.CharField(help_text="For people, in the user's language.")
    field = serializers.CharField(required=False, help_text="The input at fault, when there is one.")
    date = serializers.DateField(required=False, help_text="The delivery date concerned.")
    deadline = serializers.DateTimeField(required=False, help_text="When changes closed (`notice_too_short`).")
    counters = CountersSerializer(required=False, help_text="The subscription's counters after the refusal.")
    dates_with_room = serializers.ListField(
        child=serializers.DateField(), required=False, help_text="Dates that may still be doubled."
    )
    delivery = serializers.IntegerField(required=False, help_text="Absences: the delivery refused.")
    subscription = serializers.CharField(required=False, help_text="Absences: its subscription.")


class DeliveriesSerializer(serializers.Serializer):
    deliveries = DeliverySerializer(many=True, help_text="The cancelled deliveries.")
