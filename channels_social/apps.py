from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsSocialConfig(AppConfig):
    name = "channels_social"
    verbose_name = _("Social channels")
