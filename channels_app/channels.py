"""The ten channels POL-5 names, with stable codes other parts of the code rely on."""

# (code, Arabic, English); the order is the policy's.
POLICY_CHANNELS = [
    ("in_person", "المقابلة الشخصية", "In-person interview"),
    ("phone", "الاتصالات الهاتفية", "Phone calls"),
    ("letter", "الخطابات", "Letters"),
    ("social_media", "وسائل التواصل الاجتماعي", "Social media"),
    ("help_request", "خدمات طلب المساعدة", "Help-request services"),
    ("volunteering", "خدمة ومنصة التطوع", "Volunteering service and platform"),
    ("website", "الموقع الإلكتروني للجمعية", "The association's website"),
    ("branch_rep", "مناديب المكاتب الفرعية", "Branch-office representatives"),
    ("social_researcher", "الباحث الاجتماعي", "The social researcher"),
    ("email", "البريد الإلكتروني", "E-mail"),
]
