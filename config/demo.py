"""Demo users, one per role, created only when demo data is loaded."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from config.roles import (
    AUDITOR,
    COMMITTEE_MEMBER,
    MANAGER,
    RELATIONS_OFFICER,
    SOCIAL_RESEARCHER,
    group_for,
)

DEMO_PASSWORD = "mustafid-demo"  # noqa: S105 - printed on purpose, demo data only

# username, role (None: superuser), Arabic name
DEMO_USERS = [
    ("admin", None, "مدير النظام"),
    ("officer", RELATIONS_OFFICER, "نورة القحطاني"),
    ("researcher", SOCIAL_RESEARCHER, "خالد العتيبي"),
    ("committee1", COMMITTEE_MEMBER, "عبدالله الشهري"),
    ("committee2", COMMITTEE_MEMBER, "سارة الدوسري"),
    ("committee3", COMMITTEE_MEMBER, "فهد الغامدي"),
    ("manager", MANAGER, "منى الزهراني"),
    ("auditor", AUDITOR, "ريم الحربي"),
]


def add_arguments(parser) -> None:
    return None


def seed(ctx) -> None:
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
    for username, role, full_name in DEMO_USERS:
        first, _, last = full_name.partition(" ")
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "is_staff": True,
                "is_superuser": role is None,
            },
        )
        if created:
            user.password = password
            user.save(update_fields=["password"])
        if role is not None:
            user.groups.add(group_for(role))
        ctx.users[username] = user
    ctx.say(f"Demo users (password for all: {DEMO_PASSWORD}):")
    for username, role, _full_name in DEMO_USERS:
        ctx.say(f"  {username:<11} {role.group_name if role else 'superuser'}")
