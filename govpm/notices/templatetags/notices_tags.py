from django import template

from .. import inbox
from ..models import Notice

register = template.Library()


@register.simple_tag
def unread_notices(user) -> int:
    """The header's count (one indexed COUNT per page)."""
    return inbox.unread_count(user) if user.is_authenticated else 0


@register.inclusion_tag("notices/_banner.html", takes_context=True)
def notice_banner(context):
    """The notice the user opened to come here (?notice=<id>), shown above the work: e.g. the reason a
    need was returned, on its edit form. Only the user's own notice."""
    request = context.get("request")
    value = request.GET.get("notice", "") if request else ""
    notice = None
    if value.isdigit() and request.user.is_authenticated:
        notice = Notice.objects.filter(recipient=request.user, pk=int(value)).first()
    return {"notice": notice}
