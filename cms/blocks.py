from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("text"))
    url = blocks.URLBlock(label=_("link"))

    class Meta:
        icon = "link"
        template = "blocks/call_to_action.html"
        label = _("Call to action")


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("Heading"), form_classname="title", template="blocks/heading.html")
    paragraph = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link", "ol", "ul"])
    image = ImageBlock(label=_("Image"), template="blocks/image.html")
    call_to_action = CallToActionBlock()
