"""Template tags of the fast back-office lists (templates/admin/fast_change_list.html)."""

from django import template
from django.contrib.admin.templatetags.admin_list import admin_actions
from django.contrib.admin.templatetags.base import InclusionAdminNode

register = template.Library()


class FastAdminActionsNode(template.Node):
    """``{% admin_actions %}``, drawn by FastChangeList.fast_actions with the markup of
    admin/actions.html; by that template when a project or model overrides it."""

    def __init__(self, stock_node):
        self.stock_node = stock_node

    def render(self, context):
        cl = context["cl"]
        html = cl.fast_actions(context) if hasattr(cl, "fast_actions") else None
        if html is None:
            return self.stock_node.render(context)
        return html


@register.tag(name="fast_admin_actions")
def fast_admin_actions_tag(parser, token):
    stock = InclusionAdminNode(
        "admin_actions", parser, token, func=admin_actions, template_name="actions.html"
    )
    return FastAdminActionsNode(stock)
