from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock, ImageChooserBlock

TEXT_FEATURES = ["h3", "bold", "italic", "link", "ol", "ul"]


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("text"))
    url = blocks.URLBlock(label=_("link"))
    description = blocks.CharBlock(label=_("description"), required=False)

    class Meta:
        icon = "link"
        template = "blocks/call_to_action.html"
        label = _("Call to action")


class GalleryImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False)

    class Meta:
        icon = "image"
        label = _("Picture")


class GalleryBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False)
    images = blocks.ListBlock(GalleryImageBlock(), label=_("pictures"), min_num=1)

    class Meta:
        icon = "image"
        template = "blocks/gallery.html"
        label = _("Gallery")


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question"))
    answer = blocks.RichTextBlock(label=_("answer"), features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "help"
        label = _("Question")


class FaqBlock(blocks.StructBlock):
    title = blocks.CharBlock(
        label=_("title"), required=False, help_text=_("“Frequently asked questions” when left empty.")
    )
    questions = blocks.ListBlock(QuestionBlock(), label=_("questions"), min_num=1)

    class Meta:
        icon = "help"
        template = "blocks/faq.html"
        label = _("FAQ")


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("Heading"), form_classname="title", template="blocks/heading.html")
    paragraph = blocks.RichTextBlock(label=_("Text"), features=TEXT_FEATURES, template="blocks/text.html")
    image = ImageBlock(label=_("Image"), template="blocks/image.html")
    gallery = GalleryBlock()
    call_to_action = CallToActionBlock()
    faq = FaqBlock()
